/**
 * Parses a 5-field cron expression into the sets of values each field allows, the way croniter
 * (which both Dagster and Airflow use) reads it: a field that covers its whole range is a wildcard,
 * and day-of-month and day-of-week are OR-ed only when both are restricted. Orchestrator-neutral: an
 * orchestrator's own refusals live in its plugin (`plugin.schedules`), passed in as `refine`.
 */
import { CronExpressionParser } from "cron-parser";
import { FloeError } from "../errors.js";
import { shortInput } from "../redact.js";

export const CRON_MACROS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

const FIELD_NAMES = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;
export type CronFieldName = (typeof FIELD_NAMES)[number];

const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export interface CronField {
  /** Sorted allowed values; day-of-week uses 0-6 (7 folded into 0). */
  values: number[];
  /** True when the field allows every value of its range (croniter's `*`). */
  isWildcard: boolean;
  /** True when the field is one plain number (Dagster's fast paths look at this). */
  isSingleNumber: boolean;
}

export interface CronExpression {
  source: string;
  /** The 5-field form (macros expanded). */
  expanded: string;
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
}

/** A refusal of a cron expression: FLOE_SCHEDULE_INVALID at path `cron` (plugins use it for their own rules). */
export function cronError(message: string, hint: string): FloeError {
  return new FloeError("FLOE_SCHEDULE_INVALID", shortInput(message, 240), { path: "cron", hint });
}

const UNSUPPORTED: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /L/i, what: "'L' (last day)" },
  { pattern: /W/i, what: "'W' (nearest weekday)" },
  { pattern: /#/, what: "'#' (nth weekday of the month)" },
  { pattern: /\?/, what: "'?' (no specific value)" },
  { pattern: /^H|[^a-z]H/i, what: "'H' (hashed value)" },
  { pattern: /^R$/i, what: "'R' (random value)" },
];

function parseValue(token: string, index: number, field: CronFieldName, whole: string): number {
  const lower = token.toLowerCase();
  if (index === 3 && MONTH_NAMES.includes(lower)) return MONTH_NAMES.indexOf(lower) + 1;
  if (index === 4 && DAY_NAMES.includes(lower)) return DAY_NAMES.indexOf(lower);
  if (!/^\d+$/.test(token)) {
    for (const u of UNSUPPORTED) {
      if (u.pattern.test(token)) {
        throw cronError(
          `${field} field "${whole}" uses ${u.what}, which floe does not support`,
          "floe previews and generates only standard 5-field cron (numbers, names, *, ranges, steps, lists); Dagster's and Airflow's croniter read such extensions inconsistently",
        );
      }
    }
    const names = index === 3 ? " or a month name (JAN-DEC)" : index === 4 ? " or a day name (SUN-SAT)" : "";
    throw cronError(`${field} field has a bad token "${token}"`, `use a number ${RANGES[index]![0]}-${RANGES[index]![1]}${names}`);
  }
  const value = Number(token);
  const [lo, hi] = RANGES[index]!;
  if (value < lo || value > hi) {
    throw cronError(`${field} field value ${token} is out of range ${lo}-${hi}`, `use a ${field} between ${lo} and ${hi}`);
  }
  return value;
}

function parseField(text: string, index: number): CronField {
  const field = FIELD_NAMES[index]!;
  const [lo, hi] = RANGES[index]!;
  const values = new Set<number>();
  for (const part of text.split(",")) {
    if (part === "") throw cronError(`${field} field "${text}" has an empty list item`, "remove the stray comma");
    const slash = part.split("/");
    if (slash.length > 2) throw cronError(`${field} field has a bad step "${part}"`, "write a step as */N or A-B/N");
    const [rangeText, stepText] = slash as [string, string | undefined];
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw cronError(`${field} field has a bad step "/${stepText}" in "${part}"`, "a step is a positive whole number, e.g. */15");
      }
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (rangeText === "*") {
      start = lo;
      end = index === 4 ? 6 : hi;
    } else if (rangeText.includes("-")) {
      const bounds = rangeText.split("-");
      if (bounds.length !== 2 || bounds[0] === "" || bounds[1] === "") {
        throw cronError(`${field} field has a bad range "${rangeText}"`, "write a range as A-B, e.g. 9-17");
      }
      start = parseValue(bounds[0]!, index, field, text);
      end = parseValue(bounds[1]!, index, field, text);
      if (start > end) {
        throw cronError(
          `${field} field range "${rangeText}" runs backwards`,
          `write the smaller value first, e.g. ${bounds[1]}-${bounds[0]}`,
        );
      }
    } else {
      start = parseValue(rangeText, index, field, text);
      // croniter reads "A/N" as "A-max/N"
      end = stepText === undefined ? start : index === 4 ? 6 : hi;
    }
    for (let v = start; v <= end; v += step) values.add(index === 4 && v === 7 ? 0 : v);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const size = index === 4 ? 7 : hi - lo + 1;
  return { values: sorted, isWildcard: sorted.length === size, isSingleNumber: /^\d+$/.test(text) };
}

export interface ParseCronOptions {
  /**
   * An orchestrator's own rules, run on the parsed fields before the neutral "never fires" checks;
   * throws (cronError) to refuse. `fields` are the five fields as written.
   */
  refine?: (expression: CronExpression, fields: readonly string[]) => void;
}

/** Parses and validates; throws FLOE_SCHEDULE_INVALID at path `cron` naming the bad field and token. */
export function parseCron(cron: string, options: ParseCronOptions = {}): CronExpression {
  if (typeof cron !== "string" || cron.trim() === "") {
    throw cronError("cron is empty", 'write five fields, e.g. "0 6 * * *", or a macro such as @daily');
  }
  const trimmed = cron.trim();
  if (trimmed.startsWith("@")) {
    const macro = CRON_MACROS[trimmed.toLowerCase()];
    if (!macro) {
      const hint =
        trimmed.toLowerCase() === "@reboot" || trimmed.toLowerCase() === "@once"
          ? "neither Dagster schedules nor Airflow's CronTriggerTimetable fire on it; trigger the job manually instead"
          : `use one of ${Object.keys(CRON_MACROS).join(", ")}`;
      throw cronError(`cron macro "${trimmed}" is not supported`, hint);
    }
    return { ...parseCron(macro, options), source: trimmed.toLowerCase() };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    const detail = fields.length === 6 ? " (a seconds or year field?)" : "";
    throw cronError(
      `cron "${trimmed}" has ${fields.length} fields${detail}; expected 5 (minute hour day-of-month month day-of-week)`,
      fields.length === 6 || fields.length === 7
        ? "Dagster refuses cron with a seconds field and Airflow's croniter reads a 6th field as seconds; schedule to the minute with 5 fields"
        : 'write five fields, e.g. "0 6 * * *", or a macro such as @daily',
    );
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.map((f, i) => parseField(f, i)) as [
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
  ];
  const expression: CronExpression = { source: trimmed, expanded: fields.join(" "), minute, hour, dayOfMonth, month, dayOfWeek };
  options.refine?.(expression, fields);
  if (dayOfWeek.isWildcard) {
    // Only day-of-month decides: a date that never exists would never fire.
    const longest = Math.max(...month.values.map((m) => (m === 2 ? 29 : [4, 6, 9, 11].includes(m) ? 30 : 31)));
    if (!dayOfMonth.values.some((d) => d <= longest)) {
      throw cronError(
        `day-of-month field "${fields[2]}" never occurs in month field "${fields[3]}"`,
        "the schedule would never fire; pick a day that exists",
      );
    }
  }
  // cron-parser is the second opinion: anything it cannot read is not standard cron.
  try {
    CronExpressionParser.parse(fields.join(" "), { tz: "UTC" });
  } catch (error) {
    throw cronError(`cron "${trimmed}" is not standard cron: ${(error as Error).message}`, "check each field against man 5 crontab");
  }
  return expression;
}

/** A naive wall-clock minute matches the expression (croniter's day_or rule). */
export function matchesDay(expr: CronExpression, year: number, month: number, day: number, weekday: number): boolean {
  if (!expr.month.values.includes(month)) return false;
  const domOk = expr.dayOfMonth.values.includes(day);
  const dowOk = expr.dayOfWeek.values.includes(weekday);
  if (expr.dayOfMonth.isWildcard) return dowOk;
  if (expr.dayOfWeek.isWildcard) return domOk;
  void year;
  return domOk || dowOk;
}
