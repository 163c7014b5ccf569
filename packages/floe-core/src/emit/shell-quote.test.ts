import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isFloeError } from "../errors.js";
import { shellQuote } from "./shell-quote.js";

/** Runs one real `sh -c` that prints each quoted word NUL-terminated, and returns what the shell saw. */
function throughShell(values: string[]): string[] {
  const script = `for w in ${values.map(shellQuote).join(" ")}; do printf '%s\\0' "$w"; done`;
  const out = execFileSync("sh", ["-c", script], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("shellQuote", () => {
  it("round-trips hostile strings through a real sh", () => {
    const hostile = [
      "",
      " ",
      "a b",
      "'",
      "''",
      '"',
      "$(touch /tmp/pwned)",
      "`id`",
      "$HOME",
      "a\nb",
      "\\",
      "*",
      "-n",
      "~",
      "é漢😀",
      "a;b|c&d",
      "!x",
      "#",
    ];
    expect(throughShell(hostile)).toEqual(hostile);
  });

  it("round-trips arbitrary strings (property)", () => {
    const word = fc
      .string({ unit: "binary", maxLength: 40 })
      .filter((s) => !s.includes("\u0000") && !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")));
    const batches = fc.sample(fc.array(word, { minLength: 1, maxLength: 50 }), 20);
    for (const batch of batches) expect(throughShell(batch)).toEqual(batch);
  });

  it("leaves plain words bare and refuses NUL", () => {
    expect(shellQuote("dbt_run-1.2/x")).toBe("dbt_run-1.2/x");
    expect(() => shellQuote("a\u0000b")).toThrow();
    try {
      shellQuote("\u0000");
    } catch (error) {
      expect(isFloeError(error, "FLOE_CONFIG_INVALID")).toBe(true);
    }
  });
});
