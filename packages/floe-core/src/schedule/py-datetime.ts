/**
 * Python's aware `datetime` (PEP 495 `fold`, zoneinfo offsets) modelled on luxon's zone data, so the
 * orchestrators' schedule code can be ported line by line. `wall` is the naive wall-clock reading in
 * milliseconds (read as if it were UTC); `fold` picks the first (0) or second (1) reading of a
 * repeated wall time and, in a gap, the offset before (0) or after (1) the transition.
 */
import type { IANAZone } from "luxon";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface PyDateTime {
  wall: number;
  fold: 0 | 1;
  zone: IANAZone;
}

/** Zones whose tzdata (main format) uses a negative DST save: their winter time is the "DST" one. */
const NEGATIVE_DST_ZONES = new Set(["Europe/Dublin", "Eire", "Africa/Windhoek", "Africa/Casablanca", "Africa/El_Aaiun"]);

function offsetAt(zone: IANAZone, utc: number): number {
  return zone.offset(utc) * MINUTE;
}

/** Offsets in force just before and just after the transition nearest to a wall time. */
function surroundingOffsets(zone: IANAZone, wall: number): { before: number; after: number } {
  return { before: offsetAt(zone, wall - DAY), after: offsetAt(zone, wall + DAY) };
}

/** The UTC instant (ms) of a wall time, as Python's `datetime.timestamp()` computes it. */
export function pyTimestamp(dt: PyDateTime): number {
  return dt.wall - pyUtcOffset(dt);
}

/** `datetime.utcoffset()` in ms. */
export function pyUtcOffset(dt: PyDateTime): number {
  const { before, after } = surroundingOffsets(dt.zone, dt.wall);
  const valid = [...new Set([before, after])].filter((o) => offsetAt(dt.zone, dt.wall - o) === o);
  if (valid.length === 2) {
    // Repeated wall time: the first reading has the larger offset.
    const [big, small] = valid[0]! > valid[1]! ? [valid[0]!, valid[1]!] : [valid[1]!, valid[0]!];
    return dt.fold === 0 ? big : small;
  }
  if (valid.length === 1) return valid[0]!;
  // A skipped wall time: PEP 495 maps fold=0 with the offset before the gap, fold=1 with the one after.
  return dt.fold === 0 ? before : after;
}

/** `datetime.fromtimestamp(ts, tz)`: the wall reading, with fold=1 on the second reading of a repeat. */
export function pyFromTimestamp(utc: number, zone: IANAZone): PyDateTime {
  const wall = utc + offsetAt(zone, utc);
  const first: PyDateTime = { wall, fold: 0, zone };
  return pyTimestamp(first) === utc ? first : { wall, fold: 1, zone };
}

/** dateutil's `datetime_exists`: the wall time survives a round trip through UTC. */
export function pyExists(dt: PyDateTime): boolean {
  return pyFromTimestamp(pyTimestamp(dt), dt.zone).wall === dt.wall;
}

/** dateutil's `datetime_ambiguous`: the two folds give different offsets (true in gaps too). */
export function pyAmbiguous(dt: PyDateTime): boolean {
  return pyUtcOffset({ ...dt, fold: 0 }) !== pyUtcOffset({ ...dt, fold: 1 });
}

/**
 * zoneinfo's `dst()` for a wall time: the offset minus the zone's standard offset. The standard offset
 * is the smaller of the offsets in mid-January and mid-July (the larger for the negative-DST zones above); a
 * zone with one offset all year has dst 0.
 */
export function pyDst(dt: PyDateTime): number {
  const utc = pyTimestamp(dt);
  const now = offsetAt(dt.zone, utc);
  const year = new Date(utc).getUTCFullYear();
  const around = [offsetAt(dt.zone, Date.UTC(year, 0, 15)), offsetAt(dt.zone, Date.UTC(year, 6, 15)), now];
  if (new Set(around).size === 1) return 0;
  const std = NEGATIVE_DST_ZONES.has(dt.zone.name) ? Math.max(...around) : Math.min(...around);
  return now - std;
}

/** Aware `datetime + timedelta`: wall-clock arithmetic, and the result has fold=0. */
export function pyAddWall(dt: PyDateTime, ms: number): PyDateTime {
  return { wall: dt.wall + ms, fold: 0, zone: dt.zone };
}

/** Aware `(dt.astimezone(utc) + timedelta).astimezone(tz)`: absolute arithmetic. */
export function pyAddAbsolute(dt: PyDateTime, ms: number): PyDateTime {
  return pyFromTimestamp(pyTimestamp(dt) + ms, dt.zone);
}

export interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** 0 = Monday … 6 = Sunday, as Python's `weekday()`. */
  weekday: number;
}

export function wallFields(wall: number): WallFields {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    weekday: (d.getUTCDay() + 6) % 7,
  };
}

/** `datetime.replace(...)` on the wall fields; fold is kept unless given. */
export function pyReplace(dt: PyDateTime, fields: Partial<Omit<WallFields, "weekday">> & { fold?: 0 | 1 }): PyDateTime {
  const f = { ...wallFields(dt.wall), ...fields };
  return { wall: Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms), fold: fields.fold ?? dt.fold, zone: dt.zone };
}

export const TIME = { MINUTE, HOUR, DAY } as const;
