// floe-core/schedule: orchestrator-neutral cron and time-zone parsing, schedule validation and previews.
export { parseCron, matchesDay, ORCHESTRATORS, CRON_MACROS } from "./cron-expression.js";
export type { Orchestrator, CronExpression, CronField, CronFieldName } from "./cron-expression.js";
export { validateTimeZone, suggestTimeZone } from "./time-zone.js";
export { validateSchedule } from "./validate-schedule.js";
export type { ValidSchedule } from "./validate-schedule.js";
export { previewSchedule, parseOrchestrator, MAX_PREVIEW_COUNT } from "./preview.js";
export type { PreviewOptions, FireTime } from "./preview.js";
