import { describe, expect, it } from "vitest";
import { checkDepth, jsonErrorOffset, parseJsonText } from "./json-text.js";
import { formatErrorLine, isFloeError } from "./errors.js";

const opts = { code: "FLOE_ARTIFACTS_NOT_JSON" as const, hint: "a JSON document" };

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isFloeError(error)) return formatErrorLine(error);
    throw error;
  }
  throw new Error("no error");
}

describe("parseJsonText", () => {
  it("names line and column of a syntax error, never the text around it", () => {
    const text = '{\n  "user": "svc",\n  "password": Hunter2xy,\n  "x": 1\n}';
    const line = errorOf(() => parseJsonText(text, opts));
    expect(line).toContain("line 3, column 15");
    expect(line).not.toContain("Hunter");
    expect(line).not.toContain("assword");
  });

  it("finds the first error like JSON.parse does, for a range of broken documents", () => {
    const cases: Array<[string, number]> = [
      ["", 0],
      ["{", 1],
      ['{"a":}', 5],
      ["[1,]", 3],
      ["[1 2]", 3],
      ['{"a" 1}', 5],
      ["tru", 0],
      ['"abc', 4],
      ['{"a":1}x', 7],
      ["[01]", 2],
      ['"\\x"', 2],
      ['[1,[2,{"k":[}]]]', 12],
      ["nul", 0],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(jsonErrorOffset(text), text).toBe(offset);
    }
  });

  it("refuses nesting deeper than 200 levels, iteratively, naming the field", () => {
    const deep = `{"meta":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const line = errorOf(() => parseJsonText(deep, opts));
    expect(line).toMatch(/^FLOE_ARTIFACTS_NOT_JSON at meta\[0\]\[0\].*: nested more than 200 levels deep/);
    expect(() => checkDepth(JSON.parse(`${"[".repeat(150)}${"]".repeat(150)}`), "FLOE_ARTIFACTS_INVALID")).not.toThrow();
  });
});
