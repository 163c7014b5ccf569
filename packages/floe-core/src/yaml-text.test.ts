import { describe, expect, it } from "vitest";
import { formatErrorLine, isFloeError } from "./errors.js";
import { parseYamlText } from "./yaml-text.js";

const opts = { code: "FLOE_ARTIFACTS_INVALID" as const, path: "--orchestration", hint: "jobs and schedules" };

function lineOf(text: string): string {
  try {
    parseYamlText(text, opts);
  } catch (error) {
    if (isFloeError(error)) return formatErrorLine(error);
    throw error;
  }
  return "accepted";
}

describe("parseYamlText", () => {
  it("refuses unknown tags as bad input, with the position and without the library's text", () => {
    const line = lineOf("jobs: !weird []\n");
    expect(line).toBe(
      "FLOE_ARTIFACTS_INVALID at --orchestration: not valid YAML: unknown tag at line 1, column 7 (hint: jobs and schedules)",
    );
  });

  it("refuses syntax errors and duplicate keys without quoting the source", () => {
    expect(lineOf('jobs: [\n  password: "Hunter2xy"\n')).toMatch(
      /^FLOE_ARTIFACTS_INVALID at --orchestration: not valid YAML: [a-z ]+ at line \d+, column \d+/,
    );
    expect(lineOf('jobs: [\n  password: "Hunter2xy"\n')).not.toContain("Hunter2xy");
    expect(lineOf("jobs: []\njobs: []\n")).toContain("duplicate key at line 2");
  });

  it("refuses deep nesting and alias bombs", () => {
    expect(lineOf(`jobs: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`)).toContain("nested more than 200 levels deep at line 1");
    expect(lineOf(`jobs: ${"[".repeat(150)}${"]".repeat(150)}\n`)).toBe("accepted");
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 9 }, (_, i) => `${"bcdefghij"[i]}: &${"bcdefghij"[i]} [${Array(9).fill(`*${"abcdefghij"[i]}`).join(", ")}]`),
    ].join("\n");
    expect(lineOf(bomb)).toContain("not valid YAML");
  });

  it("reads plain YAML and JSON", () => {
    expect(parseYamlText("jobs: [{name: a}]\n", opts)).toEqual({ jobs: [{ name: "a" }] });
    expect(parseYamlText('{"jobs": []}', opts)).toEqual({ jobs: [] });
  });
});
