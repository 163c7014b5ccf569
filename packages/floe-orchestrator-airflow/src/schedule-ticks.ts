/**
 * Airflow 3's CronTriggerTimetable, ported from airflow/timetables/_cron.py (`CronMixin._get_next`,
 * `_get_prev`, `_align_to_next`) and airflow/timetables/trigger.py (`next_dagrun_info` with catchup),
 * with pendulum's `Timezone.convert` for naive times (pendulum/tz/timezone.py). Yields run times at or
 * after `start`. See docs/schedules.md. Behind AirflowPlugin.schedules (moved from floe-core).
 */
import { nextNaive, prevNaive, type CronExpression } from "floe-core";
import { pyFromTimestamp, pyTimestamp, pyUtcOffset, type PyDateTime } from "floe-core";

/** The zone type of floe-core's Python-datetime model (luxon's IANAZone). */
type IANAZone = PyDateTime["zone"];

/** airflow's `make_aware(naive, tz)`: fold=1, then pendulum's convert shifts a skipped time forward by the gap. */
function makeAware(wall: number, zone: IANAZone): number {
  const before = pyUtcOffset({ wall, fold: 0, zone });
  const after = pyUtcOffset({ wall, fold: 1, zone });
  if (after > before) return pyTimestamp({ wall: wall + (after - before), fold: 0, zone });
  return pyTimestamp({ wall, fold: 1, zone });
}

function getNext(expr: CronExpression, current: number, zone: IANAZone): number {
  const naive = pyFromTimestamp(current, zone).wall;
  const scheduled = nextNaive(expr, naive);
  if (!expr.hour.isWildcard) return makeAware(scheduled, zone);
  return current + (scheduled - naive);
}

function getPrev(expr: CronExpression, current: number, zone: IANAZone): number {
  const naive = pyFromTimestamp(current, zone).wall;
  const scheduled = prevNaive(expr, naive);
  if (!expr.hour.isWildcard) return makeAware(scheduled, zone);
  return current - (naive - scheduled);
}

function alignToNext(expr: CronExpression, current: number, zone: IANAZone): number {
  const next = getNext(expr, current, zone);
  return getPrev(expr, next, zone) !== current ? next : current;
}

/** The run_after of successive `next_dagrun_info` calls with catchup and `earliest = start`. */
export function* airflowTicks(expr: CronExpression, startMs: number, zone: IANAZone): Generator<PyDateTime> {
  let t = alignToNext(expr, startMs, zone);
  for (;;) {
    yield pyFromTimestamp(t, zone);
    t = getNext(expr, t, zone);
  }
}
