/**
 * Time partitioning of a product (`orchestration.partitioning`), checked once for both plugins: one
 * run per daily or hourly window, the window handed to dbt as two vars.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import { FloeError } from "../errors.js";
import { validateTimeZone } from "../schedule/time-zone.js";

export interface ResolvedPartitioning {
  granularity: "daily" | "hourly";
  timezone: string;
  /** First window's start in `timezone`, as a wall-clock date and hour. */
  start: { date: string; hour: number };
  vars: { start: string; end: string };
  /** The cron whose ticks are the window boundaries (Airflow's data-interval timetable). */
  cron: string;
}

const WHERE = "orchestration.partitioning";

/** The product's partitioning, validated; null when it has none. Throws FLOE_ARTIFACTS_INVALID naming the field. */
export function resolvePartitioning(artifacts: CompiledArtifacts): ResolvedPartitioning | null {
  const p = artifacts.orchestration?.partitioning;
  if (!p) return null;
  const bad = (field: string, message: string, hint: string) =>
    new FloeError("FLOE_ARTIFACTS_INVALID", message, { path: `${WHERE}.${field}`, hint });
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):00)?$/.exec(p.start);
  if (!match) {
    throw bad(
      "start",
      `${JSON.stringify(p.start.slice(0, 40))} is not a date`,
      "write YYYY-MM-DD, or YYYY-MM-DDTHH:00 for an hourly partitioning",
    );
  }
  const [, y, m, d, h] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d) || Number(y) < 1970) {
    throw bad("start", `${p.start} is not a calendar date from 1970 on`, "write a real date as YYYY-MM-DD");
  }
  const hour = h === undefined ? 0 : Number(h);
  if (hour > 23) throw bad("start", `${p.start} has hour ${hour}`, "hours run from 00 to 23");
  if (h !== undefined && p.granularity === "daily") {
    throw bad("start", "a daily partitioning starts at midnight; the start names an hour", "write the start as YYYY-MM-DD");
  }
  try {
    validateTimeZone(p.timezone);
  } catch (error) {
    if (!(error instanceof FloeError)) throw error;
    throw new FloeError(error.code, error.message, { path: `${WHERE}.timezone`, hint: error.hint, cause: error });
  }
  if (p.vars.start === p.vars.end) {
    throw bad("vars.end", `the window's start and end both go to var "${p.vars.end}"`, "name two different dbt vars");
  }
  (artifacts.orchestration?.schedules ?? []).forEach((s, i) => {
    throw new FloeError(
      "FLOE_ARTIFACTS_INVALID",
      `schedule for job "${s.job}" on a partitioned product: each job already runs once per ${p.granularity === "daily" ? "day" : "hour"} when its window closes`,
      {
        path: `orchestration.schedules[${i}]`,
        hint: "remove the schedule (or the partitioning); backfills run past windows",
      },
    );
  });
  return {
    granularity: p.granularity,
    timezone: p.timezone,
    start: { date: `${y}-${m}-${d}`, hour },
    vars: { start: p.vars.start, end: p.vars.end },
    cron: p.granularity === "daily" ? "0 0 * * *" : "0 * * * *",
  };
}
