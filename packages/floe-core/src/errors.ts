/**
 * Errors are values with a stable `code`. Recognise them with `isFloeError`, never `instanceof`:
 * two copies of floe-core can be installed side by side.
 */
export type FloeErrorCode =
  | "FLOE_ARTIFACTS_INVALID"
  | "FLOE_ARTIFACTS_VERSION"
  | "FLOE_ARTIFACTS_NOT_JSON"
  | "FLOE_GRAPH_INVALID"
  | "FLOE_MANIFEST_INVALID"
  | "FLOE_MANIFEST_NOT_ORCHESTRATED"
  | "FLOE_CONFIG_INVALID"
  | "FLOE_USAGE"
  | "FLOE_FILE_NOT_FOUND"
  | "FLOE_PLUGIN_NOT_FOUND"
  | "FLOE_PLUGIN_INCOMPATIBLE"
  | "FLOE_PLUGIN_INVALID"
  | "FLOE_PLUGIN_LOAD_FAILED"
  | "FLOE_PLUGIN_DUPLICATE"
  | "FLOE_NOT_IMPLEMENTED"
  | "FLOE_SCHEDULE_INVALID"
  | "FLOE_TIMEZONE_INVALID"
  | "FLOE_SIZE_INVALID"
  | "FLOE_CONNECTION_FAILED"
  | "FLOE_LINEAGE_FAILED"
  | "FLOE_OUTPUT_FAILED"
  | "FLOE_OUTPUT_NOT_OWNED"
  | "FLOE_RUN_NOT_FOUND"
  | "FLOE_RUN_TARGET_NOT_DEPLOYED"
  | "FLOE_RUN_REFUSED"
  | "FLOE_RUN_TIMEOUT"
  | "FLOE_INTERNAL";

export interface FloeErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** Where in the input the problem is, e.g. `transforms.models[3].depends_on[0]`. */
  path?: string;
  cause?: unknown;
}

export class FloeError extends Error {
  readonly code: FloeErrorCode;
  readonly hint: string | undefined;
  readonly path: string | undefined;
  /** Marks the value as a floe error across copies of this package. */
  readonly floeError = true as const;

  constructor(code: FloeErrorCode, message: string, options: FloeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FloeError";
    this.code = code;
    this.hint = options.hint;
    this.path = options.path;
  }
}

/** True when `value` is a floe error (from any copy of floe-core), optionally with the given code. */
export function isFloeError(value: unknown, code?: FloeErrorCode): value is FloeError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { floeError?: unknown; code?: unknown };
  if (candidate.floeError !== true || typeof candidate.code !== "string") return false;
  return code === undefined || candidate.code === code;
}

/** Codes that mean the input or the invocation was wrong (exit code 2), not that an operation failed. */
const BAD_INPUT_CODES: ReadonlySet<FloeErrorCode> = new Set<FloeErrorCode>([
  "FLOE_ARTIFACTS_INVALID",
  "FLOE_ARTIFACTS_VERSION",
  "FLOE_ARTIFACTS_NOT_JSON",
  "FLOE_GRAPH_INVALID",
  "FLOE_MANIFEST_INVALID",
  "FLOE_MANIFEST_NOT_ORCHESTRATED",
  "FLOE_CONFIG_INVALID",
  "FLOE_USAGE",
  "FLOE_FILE_NOT_FOUND",
  "FLOE_PLUGIN_NOT_FOUND",
  "FLOE_SCHEDULE_INVALID",
  "FLOE_TIMEZONE_INVALID",
  "FLOE_SIZE_INVALID",
  "FLOE_OUTPUT_NOT_OWNED",
  "FLOE_RUN_NOT_FOUND",
]);

export function isBadInput(error: FloeError): boolean {
  return BAD_INPUT_CODES.has(error.code);
}

/** One line, for a terminal: `CODE at path: message (hint: …)`. Newlines in user data are escaped. */
export function formatErrorLine(error: FloeError, mapPath: (path: string) => string = (path) => path): string {
  const where = error.path ? ` at ${cut(mapPath(error.path), 300)}` : "";
  const hint = error.hint ? ` (hint: ${cut(error.hint, 1000)})` : "";
  return oneLine(`${error.code}${where}: ${cut(error.message, 1000)}${hint}`);
}

/**
 * The CLI's name for a library field path: `options.<name>` (the option a library function took)
 * is the flag `--<name>` in kebab case (`options.outLayout` → `--out-layout`); other paths are
 * document paths and stay as they are.
 */
export function cliFieldPath(path: string): string {
  const match = /^options\.([A-Za-z][A-Za-z0-9]*)$/.exec(path);
  if (!match) return path;
  return `--${match[1]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A last guard on message length: whatever a message quotes, the line stays readable. */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Collapses control characters so a hostile value can never split an error into several lines. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const short = SHORT_ESCAPES[ch];
    return short ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

export function notImplemented(what: string): FloeError {
  return new FloeError("FLOE_NOT_IMPLEMENTED", `${what} is not implemented yet`, {
    hint: "this part of floe is still being built; see the project's open issues",
  });
}
