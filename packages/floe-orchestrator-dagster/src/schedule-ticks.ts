/**
 * Dagster's schedule ticks, ported from dagster/_utils/schedules.py (`cron_string_iterator` and the
 * helpers it calls; dagster 1.13). Yields fire times at or after `start`. See docs/schedules.md. Behind DagsterPlugin.schedules (moved from floe-core).
 */
import { nextNaive, prevNaive, type CronExpression } from "floe-core";
import {
  pyAddAbsolute,
  pyAddWall,
  pyAmbiguous,
  pyDst,
  pyExists,
  pyFromTimestamp,
  pyReplace,
  pyTimestamp,
  TIME,
  wallFields,
  type PyDateTime,
} from "floe-core";

/** The zone type of floe-core's Python-datetime model (luxon's IANAZone). */
type IANAZone = PyDateTime["zone"];

const DAYLIGHT_SAVINGS_HOURS = new Set([1, 2, 3]);
const MAX_DAY_OF_MONTH_WITH_GUARANTEED_MONTHLY_INTERVAL = 28;

type ScheduleType = "HOURLY" | "DAILY" | "WEEKLY" | "MONTHLY";

function applyPostTransition(date: PyDateTime): PyDateTime {
  if (DAYLIGHT_SAVINGS_HOURS.has(wallFields(date.wall).hour) && !pyExists(date)) {
    const dstOffset = pyDst(pyAddWall(date, TIME.HOUR));
    const startDst = pyReplace(date, { minute: 0, second: 0, ms: 0 });
    return pyAddWall(startDst, dstOffset);
  }
  return date;
}

function applyFold(date: PyDateTime): PyDateTime {
  if (date.fold === 0 && DAYLIGHT_SAVINGS_HOURS.has(wallFields(date.wall).hour) && pyAmbiguous(date)) return { ...date, fold: 1 };
  return date;
}

function applyFoldAndPostTransition(date: PyDateTime): PyDateTime {
  return applyFold(applyPostTransition(date));
}

function replaceDateFields(date: PyDateTime, hour: number, minute: number, day: number): PyDateTime {
  return applyFoldAndPostTransition(pyReplace(date, { day, hour, minute, second: 0, ms: 0 }));
}

const ts = pyTimestamp;

function findHourly(minutes: number[], date: PyDateTime, ascending: boolean, onBoundary: boolean, tzMinutes: boolean): PyDateTime {
  const f = wallFields(date.wall);
  const dateSeconds = ts(date) / 1000;
  if (minutes.length === 1 && (onBoundary || (f.minute === minutes[0] && f.second === 0 && f.ms === 0))) {
    return pyAddAbsolute(date, ascending ? TIME.HOUR : -TIME.HOUR);
  }
  const minuteOf = (seconds: number): number =>
    tzMinutes ? wallFields(pyFromTimestamp(seconds * 1000, date.zone).wall).minute : Math.floor(seconds / 60) % 60;
  let best: number | undefined;
  if (ascending) {
    let t = Math.ceil(dateSeconds);
    t += (60 - (t % 60)) % 60;
    const current = minuteOf(t);
    for (const minute of minutes) {
      let cand = t + 60 * ((((minute - current) % 60) + 60) % 60);
      if (cand <= dateSeconds) cand += 3600;
      best = best === undefined ? cand : Math.min(best, cand);
    }
  } else {
    let t = Math.floor(dateSeconds);
    t -= ((t % 60) + 60) % 60;
    const current = minuteOf(t);
    for (const minute of minutes) {
      let cand = t - 60 * ((((current - minute) % 60) + 60) % 60);
      if (cand >= dateSeconds) cand -= 3600;
      best = best === undefined ? cand : Math.max(best, cand);
    }
  }
  return pyFromTimestamp(best! * 1000, date.zone);
}

/** crontab weekday 0-6, Sunday first. */
function cronWeekday(dt: PyDateTime): number {
  return (wallFields(dt.wall).weekday + 1) % 7;
}

function findDaily(
  minute: number,
  hour: number,
  daysOfWeek: number[] | undefined,
  date: PyDateTime,
  ascending: boolean,
  onBoundary: boolean,
): PyDateTime {
  for (let i = 0; i < 10; i++) {
    const f = wallFields(date.wall);
    let next =
      !onBoundary || f.hour !== hour || f.minute !== minute || f.second !== 0 || f.ms !== 0
        ? replaceDateFields(date, hour, minute, f.day)
        : date;
    if (ascending) {
      if (onBoundary || ts(next) <= ts(date)) next = pyAddWall(next, TIME.DAY);
    } else if (onBoundary || ts(next) >= ts(date)) next = pyAddWall(next, -TIME.DAY);
    const n = wallFields(next.wall);
    if (n.hour !== hour || n.minute !== minute) next = replaceDateFields(next, hour, minute, n.day);
    date = applyFoldAndPostTransition(next);
    if (!daysOfWeek || daysOfWeek.includes(cronWeekday(date))) return date;
    onBoundary = true;
  }
  throw new Error("Dagster's daily schedule search did not reach a matching day of week");
}

function findWeekly(
  minute: number,
  hour: number,
  dayOfWeek: number,
  date: PyDateTime,
  ascending: boolean,
  onBoundary: boolean,
): PyDateTime {
  let next: PyDateTime;
  if (!onBoundary) {
    next = replaceDateFields(date, hour, minute, wallFields(date.wall).day);
    const current = cronWeekday(next);
    if (dayOfWeek !== current) {
      next = ascending
        ? pyAddWall(next, ((((dayOfWeek - current) % 7) + 7) % 7) * TIME.DAY)
        : pyAddWall(next, -((((current - dayOfWeek) % 7) + 7) % 7) * TIME.DAY);
    }
  } else next = date;
  if (ascending) {
    if (onBoundary || ts(next) <= ts(date)) next = pyAddWall(next, 7 * TIME.DAY);
  } else if (onBoundary || ts(next) >= ts(date)) next = pyAddWall(next, -7 * TIME.DAY);
  const n = wallFields(next.wall);
  if (n.hour !== hour || n.minute !== minute) next = replaceDateFields(next, hour, minute, n.day);
  return applyFoldAndPostTransition(next);
}

/** dateutil relativedelta(months=±1): same day (clipped), then `+ timedelta(0)` (fold 0). */
function addMonths(dt: PyDateTime, months: number): PyDateTime {
  const f = wallFields(dt.wall);
  const total = f.year * 12 + (f.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { ...pyReplace(dt, { year, month, day: Math.min(f.day, last) }), fold: 0 };
}

function findMonthly(minute: number, hour: number, day: number, date: PyDateTime, ascending: boolean, onBoundary: boolean): PyDateTime {
  let next = !onBoundary ? replaceDateFields(date, hour, minute, day) : date;
  if (ascending) {
    if (onBoundary || ts(next) <= ts(date)) next = addMonths(next, 1);
  } else if (onBoundary || ts(next) >= ts(date)) next = addMonths(next, -1);
  const n = wallFields(next.wall);
  if (n.hour !== hour || n.minute !== minute) next = replaceDateFields(next, hour, minute, day);
  return applyFoldAndPostTransition(next);
}

interface FastPath {
  type: ScheduleType;
  minutes: number[];
  hour: number;
  day: number;
  daysOfWeek: number[] | undefined;
}

function findScheduleTime(p: FastPath, date: PyDateTime, ascending: boolean, onBoundary: boolean, tzMinutes: boolean): PyDateTime {
  switch (p.type) {
    case "HOURLY":
      return findHourly(p.minutes, date, ascending, onBoundary, tzMinutes);
    case "DAILY":
      return findDaily(p.minutes[0]!, p.hour, p.daysOfWeek, date, ascending, onBoundary);
    case "WEEKLY":
      return findWeekly(p.minutes[0]!, p.hour, p.daysOfWeek![0]!, date, ascending, onBoundary);
    case "MONTHLY":
      return findMonthly(p.minutes[0]!, p.hour, p.day, date, ascending, onBoundary);
  }
}

function fastPathOf(expr: CronExpression): FastPath | undefined {
  const single = (values: number[], wildcard: boolean): boolean => !wildcard && values.length === 1;
  const [m, h, dom, mon, dow] = [expr.minute, expr.hour, expr.dayOfMonth, expr.month, expr.dayOfWeek];
  const numeric = [m, h, dom, mon, dow].map((f) => single(f.values, f.isWildcard));
  let type: ScheduleType | undefined;
  if (
    numeric[0] &&
    numeric[1] &&
    numeric[2] &&
    mon.isWildcard &&
    dow.isWildcard &&
    dom.values[0]! <= MAX_DAY_OF_MONTH_WITH_GUARANTEED_MONTHLY_INTERVAL
  )
    type = "MONTHLY";
  else if (numeric[0] && numeric[1] && numeric[4] && dom.isWildcard && mon.isWildcard) type = "WEEKLY";
  else if (numeric[0] && numeric[1] && dom.isWildcard && mon.isWildcard) type = "DAILY";
  else if (!m.isWildcard && h.isWildcard && dom.isWildcard && mon.isWildcard && dow.isWildcard) type = "HOURLY";
  if (!type) return undefined;
  return { type, minutes: m.values, hour: h.values[0]!, day: dom.values[0]!, daysOfWeek: dow.isWildcard ? undefined : dow.values };
}

function isSimpleCron(cron: string, dt: PyDateTime): boolean {
  const f = wallFields(dt.wall);
  if (cron === "0 0 * * *") return f.hour === 0 && f.minute === 0 && f.second === 0 && f.ms === 0;
  if (cron === "0 * * * *") return f.minute === 0 && f.second === 0 && f.ms === 0;
  return false;
}

function* timezoneAwareCronIter(expr: CronExpression, start: PyDateTime, ascending: boolean): Generator<PyDateTime> {
  let cursor = start.wall + (ascending ? -TIME.HOUR : TIME.HOUR);
  const step = (): number => (cursor = ascending ? nextNaive(expr, cursor) : prevNaive(expr, cursor));
  const repeatsEveryHour = expr.hour.isWildcard;
  let threshold = ts(start);
  let candidates: PyDateTime[] = [];
  for (;;) {
    const ordered = ascending ? candidates : [...candidates].reverse();
    for (const c of ordered) {
      const t = ts(c);
      if (ascending ? t > threshold : t < threshold) {
        threshold = t;
        yield c;
      }
    }
    const next: PyDateTime = { wall: step(), fold: 0, zone: start.zone };
    candidates = [next];
    if (!pyExists(next)) {
      candidates = repeatsEveryHour ? [] : [applyPostTransition(next)];
    } else if (pyAmbiguous(next)) {
      const post: PyDateTime = { ...next, fold: 1 };
      if (!repeatsEveryHour) candidates = [post];
      else {
        const pre: PyDateTime = { ...next, fold: 0 };
        candidates = [post, pre];
        let currPre = pre;
        let currPost = post;
        for (;;) {
          if (ascending ? ts(currPre) >= ts(post) : ts(currPost) <= ts(pre)) break;
          const wall = step();
          currPre = { wall, fold: 0, zone: start.zone };
          currPost = { wall, fold: 1, zone: start.zone };
          candidates.push(currPre, currPost);
        }
        candidates.sort((a, b) => ts(a) - ts(b));
      }
    }
  }
}

function* croniterStringIterator(expr: CronExpression, startMs: number, zone: IANAZone): Generator<PyDateTime> {
  const start = pyFromTimestamp(startMs, zone);
  const reverse = timezoneAwareCronIter(expr, start, false);
  const first = reverse.next().value as PyDateTime;
  yield* timezoneAwareCronIter(expr, pyFromTimestamp(ts(first), zone), true);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The UTC offset's minutes are not whole hours right now (Dagster checks the current date). */
function hasNonzeroMinuteOffset(zone: IANAZone, nowMs: number): boolean {
  return zone.offset(nowMs) % 60 !== 0;
}

export interface DagsterTickOptions {
  /** "Now", which Dagster consults for zones with a non-whole-hour offset. Defaults to the clock. */
  nowMs?: number;
}

/** Dagster's `cron_string_iterator(start_timestamp, cron_string, execution_timezone)`. */
export function* dagsterTicks(
  cron: string,
  expr: CronExpression,
  startMs: number,
  zone: IANAZone,
  options: DagsterTickOptions = {},
): Generator<PyDateTime> {
  if (cron.endsWith(" 29 2 *")) {
    const dayBefore = `${cron.slice(0, -" 29 2 *".length)} 28 2 *`;
    const before: CronExpression = { ...expr, source: dayBefore, dayOfMonth: { values: [28], isWildcard: false, isSingleNumber: true } };
    for (const dt of dagsterTicks(dayBefore, before, startMs, zone, options)) {
      if (isLeap(wallFields(dt.wall).year)) yield pyAddWall(dt, TIME.DAY);
    }
    return;
  }
  const fast = fastPathOf(expr);
  if (!fast) {
    yield* croniterStringIterator(expr, startMs, zone);
    return;
  }
  const tzMinutes = fast.type === "HOURLY" && hasNonzeroMinuteOffset(zone, options.nowMs ?? Date.now());
  const start = pyFromTimestamp(startMs, zone);
  let next: PyDateTime;
  if (isSimpleCron(cron, start)) {
    next = start;
    yield start;
  } else next = findScheduleTime(fast, start, false, false, tzMinutes);
  for (;;) {
    next = findScheduleTime(fast, next, true, true, tzMinutes);
    yield next;
  }
}
