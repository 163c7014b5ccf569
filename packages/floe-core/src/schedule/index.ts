// floe-core/schedule: orchestrator-neutral cron and time-zone parsing, schedule validation and fire-time rows.
// Each orchestrator's own rules (refusals, DST behaviour) live in its plugin's `schedules` capability.
export { parseCron, matchesDay, cronError, CRON_MACROS } from "./cron-expression.js";
export type { CronExpression, CronField, CronFieldName, ParseCronOptions } from "./cron-expression.js";
export { nextNaive, prevNaive } from "./naive-cron.js";
export { validateTimeZone, suggestTimeZone } from "./time-zone.js";
export { validateSchedule } from "./validate-schedule.js";
export type { ValidSchedule } from "./validate-schedule.js";
export { collectFireTimes, previewCount, MAX_PREVIEW_COUNT } from "./preview.js";
export type { SchedulePreviewOptions, FireTime } from "./preview.js";
