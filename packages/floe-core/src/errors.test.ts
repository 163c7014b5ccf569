import { describe, expect, it } from "vitest";
import { FloeError, cliFieldPath, formatErrorLine, isBadInput, isFloeError, notImplemented, oneLine } from "./errors.js";

describe("FloeError", () => {
  it("carries code, path, hint and cause", () => {
    const cause = new Error("inner");
    const error = new FloeError("FLOE_ARTIFACTS_INVALID", "bad", { path: "a.b", hint: "fix it", cause });
    expect([error.code, error.path, error.hint, error.cause, error.message]).toEqual([
      "FLOE_ARTIFACTS_INVALID",
      "a.b",
      "fix it",
      cause,
      "bad",
    ]);
  });

  it("is recognised by code, also from another copy of floe-core (plain objects)", () => {
    const foreign = { floeError: true, code: "FLOE_USAGE", message: "x" };
    expect(isFloeError(foreign)).toBe(true);
    expect(isFloeError(foreign, "FLOE_USAGE")).toBe(true);
    expect(isFloeError(foreign, "FLOE_INTERNAL")).toBe(false);
    for (const value of [null, undefined, "FLOE_USAGE", new Error("x"), { code: "FLOE_USAGE" }, { floeError: "true", code: "X" }]) {
      expect(isFloeError(value)).toBe(false);
    }
  });

  it("sorts codes into bad input (exit 2) and failures (exit 1)", () => {
    expect(isBadInput(new FloeError("FLOE_ARTIFACTS_INVALID", ""))).toBe(true);
    expect(isBadInput(new FloeError("FLOE_USAGE", ""))).toBe(true);
    expect(isBadInput(new FloeError("FLOE_CONNECTION_FAILED", ""))).toBe(false);
    expect(isBadInput(notImplemented("x"))).toBe(false);
    expect(notImplemented("scheduleJob").code).toBe("FLOE_NOT_IMPLEMENTED");
  });
});

describe("formatErrorLine", () => {
  it("gives CODE at path: message (hint: …)", () => {
    expect(formatErrorLine(new FloeError("FLOE_USAGE", "missing", { path: "--out", hint: "pass it" }))).toBe(
      "FLOE_USAGE at --out: missing (hint: pass it)",
    );
    // Library field paths become the CLI's flags; document paths stay.
    expect(formatErrorLine(new FloeError("FLOE_USAGE", "bad", { path: "options.outLayout" }), cliFieldPath)).toBe(
      "FLOE_USAGE at --out-layout: bad",
    );
    expect(cliFieldPath("options.count")).toBe("--count");
    expect(cliFieldPath("orchestration.schedules[0].cron")).toBe("orchestration.schedules[0].cron");
    expect(cliFieldPath("options.lineage.url")).toBe("options.lineage.url");
    expect(formatErrorLine(new FloeError("FLOE_INTERNAL", "boom"))).toBe("FLOE_INTERNAL: boom");
  });

  it("never spans several lines, whatever the user data", () => {
    const hostile = "a\nb\rc\u2028d\u2029e\u0000f\u001bg\u007f";
    const line = formatErrorLine(new FloeError("FLOE_ARTIFACTS_INVALID", hostile, { path: hostile, hint: hostile }));
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(line).toContain("a\\nb\\rc\\u2028d\\u2029e\\u0000f\\u001bg\\u007f");
    expect(oneLine("x\ny")).toBe("x\\ny");
  });
});
