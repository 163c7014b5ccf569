import { parseArgs, type ParseArgsConfig } from "node:util";
import { FloeError } from "../errors.js";
import { MAX_INPUT_LENGTH, MAX_SHOWN_LENGTH, quoteInput, shortInput } from "../redact.js";
import type { CommandOption } from "./context.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parser's view of a command's option table (its help fields dropped). */
function parserOptions(options: Record<string, CommandOption>): Options {
  const parser: Options = {};
  for (const [name, option] of Object.entries(options))
    parser[name] = { type: option.type, ...(option.multiple ? { multiple: true } : {}) };
  return parser;
}

/** util.parseArgs, with its errors turned into one-line usage errors (exit 2). */
export interface ParsedCommandArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export function parseCommandArgs(args: string[], options: Record<string, CommandOption>, usage: string): ParsedCommandArgs {
  let parsed: ParsedCommandArgs;
  try {
    parsed = parseArgs({ args, options: { ...parserOptions(options), help: { type: "boolean" } }, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0] ?? "invalid arguments";
    // Name the offending option as the error's path, so the one-line error says which flag is wrong.
    const option = /'(-[^' ]+)/.exec(message)?.[1]?.replace(/^(--?[^=\s]+).*$/, "$1");
    throw new FloeError("FLOE_USAGE", shortInput(message.replace(/\. To specify a positional argument.*$/, ""), MAX_SHOWN_LENGTH * 2), {
      ...(option ? { path: shortInput(option) } : {}),
      hint: `usage: ${usage}`,
    });
  }
  refuseLongInputs(parsed);
  return parsed;
}

/**
 * Every string a command takes is capped before any work on it (a 1 MB time zone once took half a
 * minute in the suggestion search) and never echoed whole.
 */
function refuseLongInputs(parsed: ParsedCommandArgs): void {
  const tooLong = (value: unknown): value is string => typeof value === "string" && value.length > MAX_INPUT_LENGTH;
  for (const [name, value] of Object.entries(parsed.values)) {
    const long = (Array.isArray(value) ? value : [value]).find(tooLong);
    if (long !== undefined) throw inputTooLong(`--${name}`, long);
  }
  parsed.positionals.forEach((value, i) => {
    if (tooLong(value)) throw inputTooLong(`argument ${i + 1}`, value);
  });
}

function inputTooLong(field: string, value: string): FloeError {
  return new FloeError("FLOE_USAGE", `${quoteInput(value, 40)} is longer than ${MAX_INPUT_LENGTH} characters`, {
    path: field,
    hint: "pass a shorter value; no floe option needs more",
  });
}

export function requirePositional(positionals: string[], index: number, name: string, usage: string): string {
  const value = positionals[index];
  if (value === undefined || value === "") {
    throw new FloeError("FLOE_USAGE", `missing ${name}`, { path: name, hint: `usage: ${usage}` });
  }
  return value;
}

export function refuseExtraPositionals(positionals: string[], expected: number, usage: string): void {
  if (positionals.length > expected) {
    throw new FloeError("FLOE_USAGE", `unexpected argument ${quoteInput(positionals[expected] ?? "")}`, {
      path: `argument ${expected + 1}`,
      hint: `usage: ${usage}`,
    });
  }
}

/** A string option's value, or undefined; repeated options keep the last value. */
export function stringOption(values: ParsedCommandArgs["values"], name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values, in order. */
export function stringListOption(values: ParsedCommandArgs["values"], name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * A whole-number option from 1 to `max` (digits only), or undefined when it is absent. Anything else is a
 * usage error naming the flag: `"<value>" is not a whole number [of <unit>] from 1 to <max>`.
 */
export function wholeNumberOption(
  value: string | undefined,
  flag: string,
  max: number,
  { unit, hint }: { unit?: string; hint?: string } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new FloeError("FLOE_USAGE", `${quoteInput(value)} is not a whole number${unit ? ` of ${unit}` : ""} from 1 to ${max}`, {
      path: flag,
      hint: hint ?? `e.g. ${flag} 10`,
    });
  }
  return n;
}
