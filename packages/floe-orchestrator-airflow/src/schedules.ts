/**
 * Airflow's schedule semantics behind `AirflowPlugin.schedules`: floe-core's neutral cron and zone
 * check (Airflow refuses nothing more: croniter fires 31 February on the weekday field) and run
 * times as Airflow 3's CronTriggerTimetable computes them.
 */
import {
  collectFireTimes,
  previewCount,
  validateSchedule,
  validateTimeZone,
  type FireTime,
  type ScheduleCapability,
  type SchedulePreviewOptions,
  type ValidSchedule,
} from "floe-core";
import { airflowTicks } from "./schedule-ticks.js";

export function validateAirflowSchedule(cron: string, timezone: string): ValidSchedule {
  return validateSchedule(cron, timezone);
}

/** Run times at or after `from`, as Airflow's scheduler computes them (catchup from `from`). */
export function previewAirflowSchedule(options: SchedulePreviewOptions): FireTime[] {
  const { expression } = validateAirflowSchedule(options.cron, options.timezone);
  const zone = validateTimeZone(options.timezone);
  const count = previewCount(options.count);
  const from = (options.from ?? new Date()).getTime();
  return collectFireTimes(airflowTicks(expression, from, zone), zone, count);
}

export const airflowSchedules: ScheduleCapability = { validate: validateAirflowSchedule, preview: previewAirflowSchedule };
