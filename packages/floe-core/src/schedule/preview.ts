/** Next fire times of a cron schedule in a zone, as a given orchestrator computes them. */
import { DateTime, type IANAZone } from "luxon";
import { FloeError } from "../errors.js";
import { airflowTicks } from "./airflow-ticks.js";
import { ORCHESTRATORS, parseCron, type CronExpression, type Orchestrator } from "./cron-expression.js";
import { dagsterTicks } from "./dagster-ticks.js";
import { pyTimestamp, type PyDateTime } from "./py-datetime.js";
import { validateTimeZone } from "./time-zone.js";

export const MAX_PREVIEW_COUNT = 1000;

export interface PreviewOptions {
  cron: string;
  timezone: string;
  /** First instant considered (inclusive). Defaults to now. */
  from?: Date;
  count?: number;
  /** Whose semantics to follow. Defaults to dagster. */
  orchestrator?: Orchestrator;
  /** Dagster consults the current date for zones with non-whole-hour offsets; tests pin it. */
  now?: Date;
}

export interface FireTime {
  /** ISO-8601 with the zone's offset, e.g. 2025-03-09T03:00:00-04:00. */
  local: string;
  /** ISO-8601 in UTC, e.g. 2025-03-09T07:00:00Z. */
  utc: string;
  epochMs: number;
}

export function parseOrchestrator(value: string | undefined): Orchestrator {
  if (value === undefined) return "dagster";
  if ((ORCHESTRATORS as readonly string[]).includes(value)) return value as Orchestrator;
  throw new FloeError("FLOE_USAGE", `unknown orchestrator "${value}"`, { path: "--orchestrator", hint: `use one of ${ORCHESTRATORS.join(", ")}` });
}

/** Fire times at or after `from`, in order, following the orchestrator's DST rules. */
export function previewSchedule(options: PreviewOptions): FireTime[] {
  const orchestrator = options.orchestrator ?? "dagster";
  const expr = parseCron(options.cron, orchestrator);
  const zone = validateTimeZone(options.timezone);
  const count = options.count ?? 10;
  if (!Number.isInteger(count) || count < 1 || count > MAX_PREVIEW_COUNT) {
    throw new FloeError("FLOE_USAGE", `count ${String(count)} is not a whole number from 1 to ${MAX_PREVIEW_COUNT}`, { path: "--count", hint: "e.g. --count 10" });
  }
  const from = (options.from ?? new Date()).getTime();
  const ticks = fireTimes(orchestrator, expr, zone, from, options.now?.getTime());
  const out: FireTime[] = [];
  while (out.length < count) {
    out.push(fireTime(ticks.next().value as number, zone));
  }
  return out;
}

/** An instant as a FireTime in `zone`. */
export function fireTime(epochMs: number, zone: IANAZone | string): FireTime {
  const local = DateTime.fromMillis(epochMs, { zone });
  return {
    local: local.toISO({ suppressMilliseconds: true })!,
    utc: local.toUTC().toISO({ suppressMilliseconds: true })!.replace(/\+00:00$/, "Z"),
    epochMs,
  };
}

/**
 * The one place floe asks for an orchestrator's fire times (previews, `generate --plan`, `schedule diff`,
 * the orchestrator-switch warning): endless, in order, at or after `fromMs`, as epoch milliseconds.
 */
export function* fireTimes(orchestrator: Orchestrator, expr: CronExpression, zone: IANAZone, fromMs: number, nowMs?: number): Generator<number> {
  const ticks: Iterator<PyDateTime> = orchestrator === "dagster" ? dagsterTicks(expr.source, expr, fromMs, zone, { nowMs }) : airflowTicks(expr, fromMs, zone);
  for (;;) yield pyTimestamp(ticks.next().value as PyDateTime);
}
