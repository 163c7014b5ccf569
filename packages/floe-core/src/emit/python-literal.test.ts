/**
 * Property tests against a real Python: every literal floe emits evaluates (ast.literal_eval) back to
 * exactly the input, and every identifier is a valid, non-keyword Python identifier. Cases are batched,
 * one python3 process per batch.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPythonKeyword, pyIdentifier, pyLiteral, pyString, safeName, type PyValue } from "./python-literal.js";

const CHECKER = String.raw`
import ast, json, keyword, sys

def same(a, b):
    if isinstance(b, bool) or isinstance(a, bool):
        return type(a) is type(b) and a == b
    if isinstance(b, (int, float)):
        # JSON turns a large double into an exact int; JavaScript meant the double.
        return isinstance(a, (int, float)) and not isinstance(a, bool) and float(a) == float(b)
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(b, dict):
        return isinstance(a, dict) and list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in b)
    return type(a) is type(b) and a == b

failures = []
for line in sys.stdin:
    case = json.loads(line)
    if "identifier" in case:
        name = case["identifier"]
        if not name.isidentifier() or keyword.iskeyword(name) or keyword.issoftkeyword(name):
            failures.append(case)
        continue
    try:
        value = ast.literal_eval(case["literal"])
    except Exception as error:
        failures.append({"case": case, "error": repr(error)})
        continue
    if not same(value, case["expected"]):
        failures.append({"case": case, "got": repr(value)})
print(json.dumps(failures[:5]))
`;

function python(cases: object[]): unknown[] {
  const input = `${cases.map((c) => JSON.stringify(c)).join("\n")}\n`;
  return JSON.parse(execFileSync("python3", ["-c", CHECKER], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })) as unknown[];
}

// Every UTF-16 string, lone surrogates included (JSON carries them as \uD800 escapes, Python reads them back).
const anyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom("'", '"', "\\", "\n", "\r", "\u0000", "\u2028", "{", "}", "\t"),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
});
const value: fc.Arbitrary<PyValue> = fc.letrec<{ value: PyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    anyString,
    fc.boolean(),
    fc.constant(null),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("pyString and pyLiteral", () => {
  it("evaluate back to exactly the input in a real python3 (property, batched)", () => {
    const strings = fc.sample(anyString, 1500);
    const values = fc.sample(value, 1500);
    const cases = [
      ...strings.map((s) => ({ literal: pyString(s), expected: s })),
      ...values.map((v) => ({ literal: pyLiteral(v), expected: v })),
      ...values.slice(0, 300).map((v) => ({ literal: pyLiteral(v, 4), expected: v })),
    ];
    expect(python(cases)).toEqual([]);
    // The checker itself catches a wrong literal, a bool passing for an int, and a non-literal.
    expect(
      python([
        { literal: '"a"', expected: "b" },
        { literal: "True", expected: 1 },
        { literal: "__import__('os')", expected: 0 },
      ]),
    ).toHaveLength(3);
  });

  it("emit pure printable ASCII on one line", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(pyString(s)).toMatch(/^"[\x20-\x7e]*"$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("spell the awkward values the Python way", () => {
    expect(pyLiteral({ a: [true, false, null, undefined, 1.5, -0] })).toBe('{"a": [True, False, None, None, 1.5, 0]}');
    expect(pyLiteral(Number.NaN)).toBe('float("nan")');
    expect(pyLiteral(-Infinity)).toBe('float("-inf")');
    expect(pyString("\u{1F600}\ud800")).toBe('"\\U0001f600\\ud800"');
  });
});

describe("pyIdentifier", () => {
  const names = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.constantFrom("class", "match", "_", "None", "a_h0123456789", "1abc", ""),
  );

  it("is always a valid, non-keyword identifier in a real python3", () => {
    const cases = [...fc.sample(names, 3000), "class", "match", "type", "_", "__init__", "def", "é", "x".repeat(200)].map((n) => ({
      identifier: pyIdentifier(n),
    }));
    expect(python(cases)).toEqual([]);
  });

  it("is injective and stable", () => {
    fc.assert(
      fc.property(names, names, (a, b) => {
        expect(pyIdentifier(a)).toBe(pyIdentifier(a));
        if (a !== b) expect(pyIdentifier(a)).not.toBe(pyIdentifier(b));
      }),
      { numRuns: 5000 },
    );
    // Names chosen to collide after sanitising.
    const tricky = ["a-b", "a_b", "a.b", "a b", "A_B", "a_b_h0000000000", pyIdentifier("a-b")];
    expect(new Set(tricky.map(pyIdentifier)).size).toBe(tricky.length);
  });

  it("keeps valid names as they are and never returns a keyword", () => {
    expect(pyIdentifier("orders_daily")).toBe("orders_daily");
    expect(isPythonKeyword(pyIdentifier("class"))).toBe(false);
    expect(pyIdentifier("class")).toMatch(/^class_h[0-9a-z]{10}$/);
    expect(pyIdentifier("x".repeat(200)).length).toBeLessThanOrEqual(80);
    expect(safeName("Orders", { allowed: /[a-z]/i, maxLength: 20, foldCase: true })).not.toBe(
      safeName("orders", { allowed: /[a-z]/i, maxLength: 20, foldCase: true }),
    );
  });
});
