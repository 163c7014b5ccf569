/**
 * The one place where user data becomes Python source. Every string, number, list or mapping that
 * reaches generated Python goes through `pyLiteral`/`pyString`, and every name that becomes a Python
 * identifier through `pyIdentifier`: no value, however hostile, can change the code's meaning.
 */
import { createHash } from "node:crypto";

/** Python's keywords (`keyword.kwlist`): names no identifier may take. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

/** What `pyIdentifier` never produces: the keywords, plus soft keywords and names a generated module relies on. */
const RESERVED_IDENTIFIERS: ReadonlySet<string> = new Set([
  ...PYTHON_KEYWORDS,
  // Soft keywords and builtins that would shadow something a generated module relies on.
  "match",
  "case",
  "type",
  "_",
]);

/**
 * A Python string literal that evaluates to exactly `value`. Output is pure printable ASCII inside
 * double quotes: everything else is escaped (\n, \xNN, \uNNNN, \UNNNNNNNN; lone surrogates as \uDXXX).
 */
export function pyString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        codePoint = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
      }
    }
    out += escapeCodePoint(codePoint);
  }
  return `${out}"`;
}

function escapeCodePoint(cp: number): string {
  switch (cp) {
    case 0x5c:
      return "\\\\";
    case 0x22:
      return '\\"';
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
  }
  if (cp >= 0x20 && cp < 0x7f) return String.fromCharCode(cp);
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

export type PyValue = string | number | boolean | null | undefined | ReadonlyArray<PyValue> | { readonly [key: string]: PyValue };

/**
 * A Python literal for a JSON-like value: str, int/float, True/False/None, list, dict (keys in
 * insertion order). `undefined` becomes None. Pass `indent` for multi-line, readable output.
 */
export function pyLiteral(value: PyValue, indent?: number, depth = 0): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return pyString(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return 'float("nan")';
    if (!Number.isFinite(value)) return value > 0 ? 'float("inf")' : 'float("-inf")';
    if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return String(value);
    return Number.isInteger(value) ? `${value.toFixed(1)}` : String(value).replace("e+", "e");
  }
  const pad = indent === undefined ? "" : " ".repeat(indent * (depth + 1));
  const close = indent === undefined ? "" : " ".repeat(indent * depth);
  const sep = indent === undefined ? ", " : ",\n";
  const open = (bracket: string) => (indent === undefined ? bracket : `${bracket}\n`);
  const end = (bracket: string) => (indent === undefined ? bracket : `,\n${close}${bracket}`);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => pad + pyLiteral(item, indent, depth + 1));
    return open("[") + items.join(sep) + end("]");
  }
  const entries = Object.entries(value as Record<string, PyValue>);
  if (entries.length === 0) return "{}";
  const items = entries.map(([k, v]) => `${pad}${pyString(k)}: ${pyLiteral(v, indent, depth + 1)}`);
  return open("{") + items.join(sep) + end("}");
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HASHED_SUFFIX = /_h[0-9a-z]{10}$/;

/** A short, stable fingerprint of a name (10 base-36 characters, about 51 bits). */
export function nameHash(value: string): string {
  const digest = createHash("sha256").update(value, "utf8").digest();
  return (digest.readBigUInt64BE(0) % 36n ** 10n).toString(36).padStart(10, "0");
}

export interface SafeNameRules {
  /** Characters allowed in the result; every other character becomes `_`. */
  allowed: RegExp;
  /** Longest allowed result. */
  maxLength: number;
  /** Must the result start with a letter or underscore? */
  startsWithLetter?: boolean;
  /** Names that may not be used as they are. */
  reserved?: ReadonlySet<string>;
  /** Case-insensitive uniqueness (file names on some systems). */
  foldCase?: boolean;
}

/**
 * Maps a user name onto a restricted alphabet, deterministically and injectively: a name that is
 * already valid (and does not look like a hashed name) is kept; any other gets its sanitised form
 * plus `_h` and a hash of the original. Distinct names always give distinct results.
 */
export function safeName(value: string, rules: SafeNameRules): string {
  const valid =
    value.length > 0 &&
    value.length <= rules.maxLength &&
    [...value].every((ch) => rules.allowed.test(ch)) &&
    (!rules.startsWithLetter || /^[A-Za-z_]/.test(value)) &&
    !rules.reserved?.has(value) &&
    !HASHED_SUFFIX.test(value) &&
    (!rules.foldCase || value === value.toLowerCase());
  if (valid) return value;
  const suffix = `_h${nameHash(value)}`;
  let base = [...value].map((ch) => (rules.allowed.test(ch) ? ch : "_")).join("");
  if (rules.foldCase) base = base.toLowerCase();
  if (rules.startsWithLetter && !/^[A-Za-z_]/.test(base)) base = `_${base}`;
  return base.slice(0, rules.maxLength - suffix.length) + suffix;
}

const PY_IDENTIFIER_RULES: SafeNameRules = {
  allowed: /[A-Za-z0-9_]/,
  maxLength: 80,
  startsWithLetter: true,
  reserved: RESERVED_IDENTIFIERS,
};

/** A valid, non-keyword Python identifier for a user name; distinct names give distinct identifiers. */
export function pyIdentifier(value: string): string {
  const result = safeName(value, PY_IDENTIFIER_RULES);
  // Guard the invariant the rules promise; a failure here is a floe bug, never user error.
  if (!IDENTIFIER.test(result) || RESERVED_IDENTIFIERS.has(result)) throw new Error(`pyIdentifier produced ${result}`);
  return result;
}

export function isPythonKeyword(value: string): boolean {
  return RESERVED_IDENTIFIERS.has(value);
}
