import { notBuiltCommand } from "./not-built.js";

export const schedulePreviewCommand = notBuiltCommand(
  ["schedule", "preview"],
  "print the next fire times of a cron schedule in a time zone",
  'floe schedule preview "<cron>" --timezone <IANA> [--from <ISO-8601>] [--count N] [--orchestrator dagster|airflow] [--json]',
);
