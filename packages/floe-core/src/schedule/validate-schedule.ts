/**
 * Validates a cron expression and an IANA time zone. The full engine (fire times per orchestrator,
 * DST rules, suggestions for near-miss zones) grows from here.
 */
import { CronExpressionParser } from "cron-parser";
import { IANAZone } from "luxon";
import { FloeError } from "../errors.js";

const MACROS: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

export interface ValidSchedule {
  /** The expression as given (macros kept: both orchestrators understand them). */
  cron: string;
  /** The 5-field form. */
  expanded: string;
  timezone: string;
}

export function validateSchedule(cron: string, timezone: string): ValidSchedule {
  const trimmed = cron.trim();
  const expanded = MACROS[trimmed] ?? trimmed;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) {
    throw new FloeError("FLOE_SCHEDULE_INVALID", `cron "${cron}" has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week)`, {
      path: "cron",
      hint: 'write five fields, e.g. "0 6 * * *", or a macro such as @daily',
    });
  }
  try {
    CronExpressionParser.parse(expanded, { tz: "UTC", strict: false });
  } catch (error) {
    throw new FloeError("FLOE_SCHEDULE_INVALID", `cron "${cron}" is invalid: ${(error as Error).message}`, {
      path: "cron",
      hint: 'check each field, e.g. "*/15 9-17 * * MON-FRI"',
      cause: error,
    });
  }
  if (!IANAZone.isValidZone(timezone) || !timezone.includes("/") && timezone !== "UTC") {
    throw new FloeError("FLOE_TIMEZONE_INVALID", `"${timezone}" is not an IANA time zone`, {
      path: "timezone",
      hint: "use a zone name such as Europe/London or America/New_York",
    });
  }
  return { cron: trimmed, expanded, timezone };
}
