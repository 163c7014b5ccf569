/** The orchestrator-neutral check of a schedule: cron syntax (croniter's reading) and IANA zone. */
import { parseCron, type CronExpression, type ParseCronOptions } from "./cron-expression.js";
import { validateTimeZone } from "./time-zone.js";

export interface ValidSchedule {
  /** The expression as given, trimmed (macros kept: both orchestrators understand them). */
  cron: string;
  /** The 5-field form. */
  expanded: string;
  timezone: string;
  /** The parsed fields, for tick computations and an orchestrator's own rules. */
  expression: CronExpression;
}

/**
 * Throws FLOE_SCHEDULE_INVALID (path `cron`) naming the bad field and token, or FLOE_TIMEZONE_INVALID
 * (path `timezone`) with a suggested zone. `options.refine` adds an orchestrator's own refusals
 * (a plugin's `schedules.validate` passes them).
 */
export function validateSchedule(cron: string, timezone: string, options: ParseCronOptions = {}): ValidSchedule {
  const expression = parseCron(cron, options);
  validateTimeZone(timezone);
  return { cron: expression.source, expanded: expression.expanded, timezone, expression };
}
