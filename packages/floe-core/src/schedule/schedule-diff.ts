/**
 * Where Dagster and Airflow fire differently for the same cron and zone. The two orchestrators agree
 * except around the zone's UTC-offset changes (the DST rules in docs/schedules.md), so each offset change
 * in the searched span is compared over a window around it, instant by instant, with each
 * orchestrator's own fire times (`fireTimes`, the one place floe computes them).
 */
import { DateTime } from "luxon";
import { FloeError } from "../errors.js";
import { parseCron } from "./cron-expression.js";
import { fireTime, fireTimes, type FireTime } from "./preview.js";
import { validateTimeZone } from "./time-zone.js";

export interface ScheduleDivergence {
  /** The offset change the divergence is around (UTC). */
  transition: string;
  /** Fire times only Dagster has in the window. */
  dagsterOnly: FireTime[];
  /** Fire times only Airflow has in the window. */
  airflowOnly: FireTime[];
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
  /** Dagster consults the current date for zones with non-whole-hour offsets; tests pin it. */
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

function ticksBetween(gen: Generator<number>, toMs: number, limit: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < limit; n++) {
    const t = gen.next().value as number;
    if (t >= toMs) break;
    out.push(t);
  }
  return out;
}

/** The divergences between Dagster's and Airflow's fire times, in order, at most `count`. */
export function diffSchedule(options: ScheduleDiffOptions): ScheduleDivergence[] {
  const dagsterExpr = parseCron(options.cron, "dagster");
  const airflowExpr = parseCron(options.cron, "airflow");
  const zone = validateTimeZone(options.timezone);
  const count = options.count ?? 10;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DIFF_COUNT) {
    throw new FloeError("FLOE_USAGE", `count ${String(count)} is not a whole number from 1 to ${MAX_DIFF_COUNT}`, { path: "--count", hint: "e.g. --count 10" });
  }
  const from = (options.from ?? new Date()).getTime();
  const to = from + (options.days ?? 1827) * DAY;
  const nowMs = options.now?.getTime();
  const out: ScheduleDivergence[] = [];
  for (const change of offsetChanges(zone.name, from, to)) {
    const start = Math.max(from, change - WINDOW);
    const end = change + WINDOW;
    // A cron fires at most once a minute: the window's minutes bound it.
    const limit = Math.ceil((end - start) / 60_000) + 2;
    const dagster = ticksBetween(fireTimes("dagster", dagsterExpr, zone, start, nowMs), end, limit);
    const airflow = ticksBetween(fireTimes("airflow", airflowExpr, zone, start, nowMs), end, limit);
    const inAirflow = new Set(airflow);
    const inDagster = new Set(dagster);
    const dagsterOnly = dagster.filter((t) => !inAirflow.has(t)).map((t) => fireTime(t, zone));
    const airflowOnly = airflow.filter((t) => !inDagster.has(t)).map((t) => fireTime(t, zone));
    if (dagsterOnly.length || airflowOnly.length) {
      out.push({ transition: fireTime(change, "UTC").utc, dagsterOnly, airflowOnly });
      if (out.length >= count) break;
    }
  }
  return out;
}

/**
 * Whether moving a schedule from one orchestrator to the other changes when it fires in the next
 * `days` days from `from`: the first divergence, or undefined.
 */
export function firstSwitchDivergence(cron: string, timezone: string, from: Date, days = 366): ScheduleDivergence | undefined {
  return diffSchedule({ cron, timezone, from, count: 1, days })[0];
}
