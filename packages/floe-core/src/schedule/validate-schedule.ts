/** The one check both plugins run on a schedule before generating it. */
import { parseCron, type Orchestrator } from "./cron-expression.js";
import { validateTimeZone } from "./time-zone.js";

export interface ValidSchedule {
  /** The expression as given, trimmed (macros kept: both orchestrators understand them). */
  cron: string;
  /** The 5-field form. */
  expanded: string;
  timezone: string;
}

/**
 * Throws FLOE_SCHEDULE_INVALID (path `cron`) naming the bad field and token, or FLOE_TIMEZONE_INVALID
 * (path `timezone`) with a suggested zone. With `orchestrator`, forms that orchestrator refuses are refused.
 */
export function validateSchedule(cron: string, timezone: string, orchestrator?: Orchestrator): ValidSchedule {
  const expr = parseCron(cron, orchestrator);
  validateTimeZone(timezone);
  return { cron: expr.source, expanded: expr.expanded, timezone };
}
