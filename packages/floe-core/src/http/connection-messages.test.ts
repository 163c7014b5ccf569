import { describe, expect, it } from "vitest";
import { describeHttpStatus, describeProbeFailure } from "./connection-messages.js";
import { redactUrl } from "../redact.js";

const target = { service: "Example server", url: "http://h:1/api", urlSetting: "--url" };

describe("connection messages", () => {
  it("gives each probe failure and HTTP status class its own message and a hint", () => {
    const problems = [
      ...(["refused", "dns", "timeout", "reset", "tls", "invalid-url", "protocol", "too-large", "other"] as const).map((kind) =>
        describeProbeFailure({ ok: false, kind, detail: "D" }, target),
      ),
      ...[401, 403, 404, 405, 500, 418].map((status) => describeHttpStatus(status, target)),
    ];
    expect(new Set(problems.map((p) => p.message)).size).toBe(problems.length);
    for (const p of problems) expect(p.hint.length).toBeGreaterThan(10);
    expect(describeHttpStatus(503, target).kind).toBe("server-error");
  });

  it("never shows credentials in a URL", () => {
    expect(redactUrl("http://user:secret@h:1/x")).toBe("http://h:1/x");
    expect(redactUrl("not a url")).toBe("not a url");
  });
});
