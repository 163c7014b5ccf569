/**
 * Where Dagster and Airflow fire differently for the same cron and zone. The two orchestrators agree
 * except around the zone's UTC-offset changes (the DST rules in docs/schedules.md), so each offset change
 * in the searched span is compared over a window around it, instant by instant, with each
 * orchestrator's own fire times. Those come from the plugins (`plugin.schedules.preview`): floe-core
 * holds no orchestrator's tick rules, only this neutral comparison.
 */
import { DateTime } from "luxon";
import { FloeError } from "../errors.js";
import type { ScheduleCapability } from "../orchestrator-plugin.js";
import { fireTime, MAX_PREVIEW_COUNT, type FireTime } from "./preview.js";
import { validateTimeZone } from "./time-zone.js";

export interface ScheduleDivergence {
  /** The offset change the divergence is around (UTC). */
  transition: string;
  /** Fire times only Dagster has in the window. */
  dagsterOnly: FireTime[];
  /** Fire times only Airflow has in the window. */
  airflowOnly: FireTime[];
}

/** The two orchestrators `floe schedule diff` compares: each plugin's `schedules` capability. */
export interface ScheduleDiffSides {
  dagster: ScheduleCapability;
  airflow: ScheduleCapability;
}

/** Where two orchestrators fire differently around one offset change. */
export interface FireTimeDivergence {
  /** The offset change (UTC). */
  transition: string;
  /** Fire times only the first orchestrator has in the window. */
  firstOnly: FireTime[];
  /** Fire times only the second has. */
  secondOnly: FireTime[];
}

export interface ScheduleDiffOptions {
  cron: string;
  timezone: string;
  /** Start of the search (default now). */
  from?: Date;
  /** Stop after this many divergences (default 10). */
  count?: number;
  /** How far to search, in days (default 5 years, 1,827 days). */
  days?: number;
  /** For orchestrators whose rules consult the current date (Dagster, non-whole-hour offsets); tests pin it. */
  now?: Date;
}

export const MAX_DIFF_COUNT = 100;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * Either side of an offset change. Every divergence of the oracle table lies within 2 hours of the change
 * (the skipped or repeated hour, and the Asunción and Dublin nights): 6 hours leaves room and keeps a
 * minutely cron at 720 fire times per window and orchestrator.
 */
const WINDOW = 6 * HOUR;

/** Instants (epoch ms) at which `zone`'s UTC offset changes, in [fromMs, toMs). */
export function offsetChanges(zone: string, fromMs: number, toMs: number): number[] {
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const out: number[] = [];
  let t = fromMs;
  let before = offset(t);
  while (t < toMs) {
    const next = Math.min(t + DAY, toMs);
    const after = offset(next);
    if (after !== before) {
      // Bisect to the minute of the change.
      let lo = t;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
        if (offset(mid) === before) lo = mid;
        else hi = mid;
      }
      out.push(hi);
      before = after;
    }
    t = next;
  }
  return out;
}

/**
 * A schedule's fire times in [fromMs, toMs), at most `limit`, as `schedules.preview` gives them: asked for
 * in growing batches (a daily cron needs a few, a minutely one hundreds), each batch after the last tick.
 */
function ticksBetween(
  schedules: ScheduleCapability,
  cron: string,
  timezone: string,
  fromMs: number,
  toMs: number,
  limit: number,
  now: Date | undefined,
): number[] {
  const out: number[] = [];
  let from = fromMs;
  let batch = 8;
  while (out.length < limit) {
    const count = Math.min(batch, limit - out.length, MAX_PREVIEW_COUNT);
    const times = schedules.preview({ cron, timezone, from: new Date(from), count, ...(now ? { now } : {}) });
    for (const t of times) {
      if (t.epochMs >= toMs || out.length >= limit) return out;
      out.push(t.epochMs);
    }
    if (times.length < count) return out;
    from = times[times.length - 1]!.epochMs + 1;
    batch *= 4;
  }
  return out;
}

/**
 * The divergences between two orchestrators' fire times for one cron and zone, in order, at most
 * `count`. Both plugins' `schedules.validate` check the schedule first (FLOE_SCHEDULE_INVALID at `cron`,
 * FLOE_TIMEZONE_INVALID at `timezone`; FLOE_USAGE at `options.count`).
 */
export function fireTimeDivergences(
  first: ScheduleCapability,
  second: ScheduleCapability,
  options: ScheduleDiffOptions,
): FireTimeDivergence[] {
  const { cron, timezone } = options;
  first.validate(cron, timezone);
  second.validate(cron, timezone);
  const zone = validateTimeZone(timezone);
  const count = options.count ?? 10;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DIFF_COUNT) {
    throw new FloeError("FLOE_USAGE", `count ${String(count)} is not a whole number from 1 to ${MAX_DIFF_COUNT}`, {
      path: "options.count",
      hint: "e.g. --count 10",
    });
  }
  const from = (options.from ?? new Date()).getTime();
  const to = from + (options.days ?? 1827) * DAY;
  const out: FireTimeDivergence[] = [];
  for (const change of offsetChanges(zone.name, from, to)) {
    const start = Math.max(from, change - WINDOW);
    const end = change + WINDOW;
    // A cron fires at most once a minute: the window's minutes bound it.
    const limit = Math.ceil((end - start) / 60_000) + 2;
    const a = ticksBetween(first, cron, timezone, start, end, limit, options.now);
    const b = ticksBetween(second, cron, timezone, start, end, limit, options.now);
    const inA = new Set(a);
    const inB = new Set(b);
    const firstOnly = a.filter((t) => !inB.has(t)).map((t) => fireTime(t, zone));
    const secondOnly = b.filter((t) => !inA.has(t)).map((t) => fireTime(t, zone));
    if (firstOnly.length || secondOnly.length) {
      out.push({ transition: fireTime(change, "UTC").utc, firstOnly, secondOnly });
      if (out.length >= count) break;
    }
  }
  return out;
}

/** `floe schedule diff`: the divergences between Dagster's and Airflow's fire times, in order, at most `count`. */
export function diffSchedule(options: ScheduleDiffOptions, sides: ScheduleDiffSides): ScheduleDivergence[] {
  return fireTimeDivergences(sides.dagster, sides.airflow, options).map((d) => ({
    transition: d.transition,
    dagsterOnly: d.firstOnly,
    airflowOnly: d.secondOnly,
  }));
}
