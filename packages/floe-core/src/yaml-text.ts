/**
 * Reading user YAML strictly: any error or warning (an unknown `!tag`, a duplicate key…) is bad input,
 * reported on one line with its position, never as the library's multi-line warning text.
 */
import { parseDocument } from "yaml";
import { FloeError, type FloeErrorCode } from "./errors.js";
import { MAX_JSON_DEPTH, checkDepth } from "./json-text.js";

export interface YamlTextOptions {
  code: FloeErrorCode;
  /** The field the document came from, e.g. "--orchestration". */
  path: string;
  hint: string;
}

export function parseYamlText(text: string, options: YamlTextOptions): unknown {
  // The YAML library recurses per flow level and runs out of memory near 100,000 levels: count first.
  const deep = deepFlowAt(text, MAX_JSON_DEPTH);
  if (deep) {
    throw new FloeError(options.code, `nested more than ${MAX_JSON_DEPTH} levels deep at line ${deep.line}, column ${deep.column}`, {
      path: options.path,
      hint: `no floe input needs more than ${MAX_JSON_DEPTH} levels; flatten the value`,
    });
  }
  // logLevel "silent": the library would otherwise print warnings to stderr itself.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: "silent" });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const at = problem.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : "";
    // The code and position only: the library's message quotes the source line.
    const what = problem.code === "TAG_RESOLVE_FAILED" ? "unknown tag" : problem.code.toLowerCase().replaceAll("_", " ");
    throw new FloeError(options.code, `not valid YAML: ${what}${where}`, { path: options.path, hint: options.hint, cause: problem });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new FloeError(options.code, "not valid YAML: too many aliases", { path: options.path, hint: options.hint, cause: error });
  }
  checkDepth(data, options.code);
  return data;
}

/** Where `[`/`{` nesting (outside quotes and comments) first exceeds `max`, if it does. */
function deepFlowAt(text: string, max: number): { line: number; column: number } | undefined {
  let depth = 0;
  let quote = "";
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      if (quote === "'" || quote === '"') continue;
    }
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf("\n", i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") {
      if (++depth > max) return { line, column: i - lineStart + 1 };
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}
