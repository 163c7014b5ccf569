/**
 * Fire times of a cron schedule, orchestrator-neutral: an orchestrator plugin computes its ticks
 * (`plugin.schedules.preview`, its own DST rules) and this turns them into FireTime rows.
 */
import { DateTime, type IANAZone } from "luxon";
import { FloeError } from "../errors.js";
import { pyTimestamp, type PyDateTime } from "./py-datetime.js";

export const MAX_PREVIEW_COUNT = 1000;

/** What `plugin.schedules.preview` takes. */
export interface SchedulePreviewOptions {
  cron: string;
  timezone: string;
  /** First instant considered (inclusive). Defaults to now. */
  from?: Date;
  /** How many fire times, 1 to MAX_PREVIEW_COUNT. Defaults to 10. */
  count?: number;
  /** For orchestrators whose rules consult the current date (Dagster, non-whole-hour offsets); tests pin it. */
  now?: Date;
}

export interface FireTime {
  /** ISO-8601 with the zone's offset, e.g. 2025-03-09T03:00:00-04:00. */
  local: string;
  /** ISO-8601 in UTC, e.g. 2025-03-09T07:00:00Z. */
  utc: string;
  epochMs: number;
}

/** The preview count, checked (FLOE_USAGE at `options.count`); 10 when absent. */
export function previewCount(count: number | undefined): number {
  const n = count ?? 10;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PREVIEW_COUNT) {
    throw new FloeError("FLOE_USAGE", `count ${String(n)} is not a whole number from 1 to ${MAX_PREVIEW_COUNT}`, {
      path: "options.count",
      hint: "e.g. --count 10",
    });
  }
  return n;
}

/** The first `count` ticks as FireTime rows, in the zone and in UTC. */
export function collectFireTimes(ticks: Iterator<PyDateTime>, zone: IANAZone, count: number): FireTime[] {
  const out: FireTime[] = [];
  while (out.length < count) out.push(fireTime(pyTimestamp(ticks.next().value as PyDateTime), zone));
  return out;
}

/** An instant as a FireTime row in `zone`. */
export function fireTime(epochMs: number, zone: IANAZone | string): FireTime {
  const local = DateTime.fromMillis(epochMs, { zone });
  return {
    local: local.toISO({ suppressMilliseconds: true })!,
    utc: local
      .toUTC()
      .toISO({ suppressMilliseconds: true })!
      .replace(/\+00:00$/, "Z"),
    epochMs,
  };
}
