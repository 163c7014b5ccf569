/**
 * Cron matching on naive wall-clock time (no zone, no DST), as croniter does it. A naive time is a
 * count of milliseconds read as if the wall clock were UTC.
 */
import { matchesDay, type CronExpression } from "./cron-expression.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function dayMatches(expr: CronExpression, t: number): boolean {
  const d = new Date(t);
  return matchesDay(expr, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCDay());
}

/** The first matching naive minute strictly after `t`. */
export function nextNaive(expr: CronExpression, t: number): number {
  let c = Math.floor(t / MINUTE) * MINUTE + MINUTE;
  for (let guard = 0; guard < 1_000_000; guard++) {
    if (!dayMatches(expr, c)) {
      c = Math.floor(c / DAY) * DAY + DAY;
      continue;
    }
    const d = new Date(c);
    if (!expr.hour.values.includes(d.getUTCHours())) {
      c = Math.floor(c / HOUR) * HOUR + HOUR;
      continue;
    }
    if (!expr.minute.values.includes(d.getUTCMinutes())) {
      c += MINUTE;
      continue;
    }
    return c;
  }
  throw new Error(`cron "${expr.expanded}" has no next fire time`);
}

/** The last matching naive minute strictly before `t`. */
export function prevNaive(expr: CronExpression, t: number): number {
  let c = Math.ceil(t / MINUTE) * MINUTE - MINUTE;
  for (let guard = 0; guard < 1_000_000; guard++) {
    if (!dayMatches(expr, c)) {
      c = Math.floor(c / DAY) * DAY - MINUTE;
      continue;
    }
    const d = new Date(c);
    if (!expr.hour.values.includes(d.getUTCHours())) {
      c = Math.floor(c / HOUR) * HOUR - MINUTE;
      continue;
    }
    if (!expr.minute.values.includes(d.getUTCMinutes())) {
      c -= MINUTE;
      continue;
    }
    return c;
  }
  throw new Error(`cron "${expr.expanded}" has no previous fire time`);
}
