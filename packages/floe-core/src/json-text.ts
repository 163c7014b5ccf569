/**
 * Reading user JSON: a syntax error names the line and column, never the text around it (it may be a
 * password), and a document nested deeper than any real one is refused before anything walks it.
 */
import { FloeError, type FloeErrorCode } from "./errors.js";

/** Deeper than any CompiledArtifacts or dbt manifest needs; recursive walkers stay far from the stack limit. */
export const MAX_JSON_DEPTH = 200;

export interface JsonTextOptions {
  /** Error code for a syntax error or a too-deep document. */
  code: FloeErrorCode;
  /** What the document is, for the hint, e.g. "CompiledArtifacts are a JSON document". */
  hint: string;
  /** Error code for a too-deep document (default: `code`). */
  depthCode?: FloeErrorCode;
}

/** JSON.parse with a line/column syntax error and a depth check. */
export function parseJsonText(text: string, options: JsonTextOptions): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text));
    throw new FloeError(options.code, `not JSON: syntax error at line ${line}, column ${column}`, {
      path: "(document)",
      hint: options.hint,
      cause: error,
    });
  }
  checkDepth(data, options.depthCode ?? options.code);
  return data;
}

/** Refuses a value nested deeper than `max`, without recursion; names the first too-deep field. */
export function checkDepth(data: unknown, code: FloeErrorCode, max = MAX_JSON_DEPTH): void {
  // Fast pass over values and depths only: a 90 MB manifest has millions of values, and building each
  // one's path string cost more than JSON.parse itself. Only a document that fails is walked again
  // with paths, in the same order, to name the first too-deep field.
  const values: unknown[] = [data];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= max) throw tooDeep(data, code, max);
    if (Array.isArray(value)) {
      for (const item of value) {
        values.push(item);
        depths.push(depth + 1);
      }
    } else {
      for (const key in value) {
        values.push((value as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
}

/** The error for the first value (in checkDepth's order) nested `max` levels deep, with its path. */
function tooDeep(data: unknown, code: FloeErrorCode, max: number): FloeError {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: data, depth: 0, path: "" }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= max) {
      return new FloeError(code, `nested more than ${max} levels deep`, {
        path: shortenPath(path) || "(document)",
        hint: `no floe input needs more than ${max} levels; flatten the value`,
      });
    }
    if (Array.isArray(value))
      value.forEach((item, i) => {
        stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` });
      });
    else
      for (const [key, item] of Object.entries(value))
        stack.push({ value: item, depth: depth + 1, path: path === "" ? key : `${path}.${key}` });
  }
  throw new Error("tooDeep called for a document within the depth limit");
}

function shortenPath(path: string): string {
  return path.length > 160 ? `${path.slice(0, 160)}…` : path;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * The offset of the first JSON syntax error in `text` (JSON.parse's own message quotes the text,
 * and which position it names varies by Node version). An iterative scanner: no recursion on depth.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const stringAt = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            return false;
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const scalarAt = (): boolean => {
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") return false;
    i += m[0].length;
    return true;
  };
  // Containers open on a stack; after each value we expect `,` or the container's closer.
  const stack: string[] = [];
  ws();
  for (;;) {
    // Expect a value.
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") i++;
      else {
        stack.push("}");
        if (!stringAt()) return i;
        ws();
        if (text[i] !== ":") return i;
        i++;
        continue;
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") i++;
      else {
        stack.push("]");
        continue;
      }
    } else if (c === '"') {
      if (!stringAt()) return i;
    } else if (!scalarAt()) return i;
    // After a value.
    for (;;) {
      ws();
      if (stack.length === 0) return Math.min(i, n);
      const closer = stack[stack.length - 1];
      if (text[i] === closer) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return i;
      i++;
      if (closer === "}") {
        ws();
        if (!stringAt()) return i;
        ws();
        if (text[i] !== ":") return i;
        i++;
      }
      break;
    }
  }
}
