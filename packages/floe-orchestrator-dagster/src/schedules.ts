/**
 * Dagster's schedule semantics behind `DagsterPlugin.schedules`: floe-core's neutral cron and zone
 * check plus what Dagster itself refuses, and fire times as Dagster's tick iterator computes them.
 */
import {
  collectFireTimes,
  cronError,
  previewCount,
  validateSchedule,
  validateTimeZone,
  type CronExpression,
  type FireTime,
  type ScheduleCapability,
  type SchedulePreviewOptions,
  type ValidSchedule,
} from "floe-core";
import { dagsterTicks } from "./schedule-ticks.js";

/** dagster/_utils/schedules.py is_valid_cron_string refuses 30/31 February whatever the weekday field says. */
export function refineDagsterCron(expression: CronExpression, fields: readonly string[]): void {
  const { month, dayOfMonth } = expression;
  if (month.values.length === 1 && month.values[0] === 2 && dayOfMonth.values.length === 1 && dayOfMonth.values[0]! >= 30) {
    throw cronError(
      `day-of-month field "${fields[2]}" never occurs in month field "${fields[3]}"`,
      "Dagster refuses schedules on 30 or 31 February; pick a day that exists",
    );
  }
}

/** Dagster's rules on a schedule floe-core already parsed (validated artifacts): no second parse. */
export function checkParsedDagsterSchedule(schedule: ValidSchedule): void {
  refineDagsterCron(schedule.expression, schedule.expanded.split(" "));
}

export function validateDagsterSchedule(cron: string, timezone: string): ValidSchedule {
  return validateSchedule(cron, timezone, { refine: refineDagsterCron });
}

/** Fire times at or after `from`, as Dagster's scheduler computes them. */
export function previewDagsterSchedule(options: SchedulePreviewOptions): FireTime[] {
  const { expression } = validateDagsterSchedule(options.cron, options.timezone);
  const zone = validateTimeZone(options.timezone);
  const count = previewCount(options.count);
  const from = (options.from ?? new Date()).getTime();
  return collectFireTimes(dagsterTicks(expression.source, expression, from, zone, { nowMs: options.now?.getTime() }), zone, count);
}

export const dagsterSchedules: ScheduleCapability = { validate: validateDagsterSchedule, preview: previewDagsterSchedule };
