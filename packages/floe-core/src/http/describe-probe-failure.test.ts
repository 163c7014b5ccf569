import { describe, expect, it } from "vitest";
import { describeProbeFailure } from "./describe-probe-failure.js";
import type { ProbeFailureKind } from "./http-probe.js";

describe("describeProbeFailure", () => {
  const kinds: ProbeFailureKind[] = ["invalid-url", "dns", "refused", "timeout", "reset", "tls", "protocol", "too-large", "other"];

  it("gives every failure kind its own message and a hint", () => {
    const messages = kinds.map((kind) => describeProbeFailure({ ok: false, kind, detail: "X" }, "the Airflow API server", "http://h:1"));
    expect(new Set(messages.map((m) => m.message)).size).toBe(kinds.length);
    for (const m of messages) expect(m.hint.length).toBeGreaterThan(0);
    expect(messages[2]!.hint).toContain("start the Airflow API server");
  });

  it("never repeats credentials from the URL", () => {
    for (const kind of kinds) {
      const d = describeProbeFailure({ ok: false, kind, detail: "X" }, "svc", "http://user:hunter2@example.test:8080/x");
      expect(JSON.stringify(d)).not.toContain("hunter2");
    }
  });
});
