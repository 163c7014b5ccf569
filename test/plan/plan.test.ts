// The plan (floe-core's computePlan) with the plugins' own fire times (`plugin.schedules`, built packages):
// repository-level because next fire times and the switch warning need both plugins' semantics.
import { describe, expect, it } from "vitest";
import { planSummary } from "floe-test-utils/plan-summary";
import {
  computePlan as computeWith,
  renderPlan,
  switchWarning as warnWith,
  type PlanOptions,
  type PlanSummary,
  type ScheduleCapability,
} from "floe-core";
import { AirflowPlugin } from "floe-orchestrator-airflow";
import { DagsterPlugin } from "floe-orchestrator-dagster";

const SCHEDULES: Record<string, ScheduleCapability> = { dagster: new DagsterPlugin().schedules, airflow: new AirflowPlugin().schedules };
const lookup = (orchestrator: string) => SCHEDULES[orchestrator];
const computePlan = (before: PlanSummary | undefined, after: PlanSummary, options: PlanOptions = {}) =>
  computeWith(before, after, { schedules: lookup, ...options });
const switchWarning = (before: PlanSummary | undefined, after: PlanSummary, from: Date) => warnWith(before, after, lookup, from);

const FROM = new Date("2025-03-01T00:00:00Z");

describe("computePlan", () => {
  it("no change: same summaries", () => {
    const plan = computePlan(planSummary(), planSummary(), { from: FROM });
    expect(plan.changed).toBe(false);
    expect(plan.fireTimeChanges).toEqual([]);
    expect(renderPlan(plan, "out")).toMatch(/No changes/);
  });

  it("nothing in --out: everything is added, with next fire times of the new orchestrator", () => {
    const plan = computePlan(undefined, planSummary(), { from: FROM, count: 2 });
    expect(plan.changed).toBe(true);
    expect(plan.previousOrchestrator).toBeNull();
    expect(plan.jobs.added).toEqual(["shop", "marts"]);
    expect(plan.tasks).toEqual({ added: 4, removed: 0 });
    expect(plan.schedules.added).toEqual([
      {
        name: "marts_nightly",
        job: "marts",
        after: { job: "marts", crons: ["30 2 * * *"], timezone: "America/New_York", enabled: true },
        nextFireTimes: ["2025-03-01T02:30:00-05:00", "2025-03-02T02:30:00-05:00"],
      },
    ]);
    expect(plan.datasets.added).toHaveLength(2);
  });

  it("added, removed and changed jobs, tasks, schedules and datasets", () => {
    const after = planSummary({
      jobs: [
        { name: "shop", tasks: ["a", "c", "d"] },
        { name: "staging", tasks: ["a"] },
      ],
      schedules: [{ name: "staging_hourly", job: "staging", crons: ["0 * * * *"], timezone: "UTC", enabled: false }],
      datasets: ["duckdb://w::w.main.a", "duckdb://w::w.main.d"],
    });
    const before = planSummary({
      schedules: [
        { name: "marts_nightly", job: "marts", crons: ["30 2 * * *"], timezone: "America/New_York", enabled: true },
        { name: "staging_hourly", job: "staging", crons: ["0 * * * *"], timezone: "UTC", enabled: true },
      ],
    });
    const plan = computePlan(before, after, { from: FROM, count: 1 });
    expect(plan.changed).toBe(true);
    expect(plan.jobs).toEqual({
      added: ["staging"],
      removed: ["marts"],
      changed: [{ name: "shop", tasksAdded: ["d"], tasksRemoved: ["b"] }],
    });
    expect(plan.tasks).toEqual({ added: 2, removed: 2 });
    expect(plan.schedules.removed.map((s) => s.name)).toEqual(["marts_nightly"]);
    expect(plan.schedules.changed).toEqual([
      {
        name: "staging_hourly",
        job: "staging",
        before: { job: "staging", crons: ["0 * * * *"], timezone: "UTC", enabled: true },
        after: { job: "staging", crons: ["0 * * * *"], timezone: "UTC", enabled: false },
        nextFireTimes: ["2025-03-01T00:00:00+00:00"],
      },
    ]);
    expect(plan.datasets).toEqual({ added: ["duckdb://w::w.main.d"], removed: ["duckdb://w::w.main.b"] });
    expect(renderPlan(plan, "out").split("\n")).toEqual([
      "floe plan: shop for dagster against out",
      "  + job staging",
      "  - job marts",
      "  ~ job shop",
      "      + asset d",
      "      - asset b",
      "  - schedule marts_nightly of marts: 30 2 * * * in America/New_York",
      "  ~ schedule staging_hourly of staging: 0 * * * * in UTC -> 0 * * * * in UTC (paused) (next: 2025-03-01T00:00:00+00:00)",
      "  + dataset duckdb://w::w.main.d",
      "  - dataset duckdb://w::w.main.b",
      "Plan: 2 to add, 2 to change, 3 to remove (assets: 2 added, 2 removed).",
      "",
    ]);
  });

  it("a switch of orchestrator: the schedules whose fire times move, with the instants on each side (oracle: NY 2025-03-09)", () => {
    const before = planSummary();
    const after = planSummary({
      orchestrator: "airflow",
      schedules: [{ name: "marts", job: "marts", crons: ["30 2 * * *"], timezone: "America/New_York", enabled: true }],
    });
    const plan = computePlan(before, after, { from: FROM });
    expect(plan.changed).toBe(true);
    expect(plan.previousOrchestrator).toBe("dagster");
    expect(plan.fireTimeChanges).toEqual([
      {
        schedule: "marts",
        cron: "30 2 * * *",
        timezone: "America/New_York",
        before: ["2025-03-09T03:00:00-04:00"],
        after: ["2025-03-09T03:30:00-04:00"],
      },
    ]);
    expect(switchWarning(before, after, FROM)).toBe(
      "switching dagster -> airflow changes when schedule marts (30 2 * * * in America/New_York) fires: 2025-03-09T03:00:00-04:00 becomes 2025-03-09T03:30:00-04:00 (see floe schedule diff; floe generate --plan lists all)",
    );
  });

  it("without an orchestrator's semantics: no next fire times and no fire-time changes (never guessed)", () => {
    const after = planSummary({
      orchestrator: "airflow",
      schedules: [{ name: "marts", job: "marts", crons: ["30 2 * * *"], timezone: "America/New_York", enabled: true }],
    });
    const onlyAirflow = computeWith(planSummary(), after, {
      from: FROM,
      schedules: (o) => (o === "airflow" ? SCHEDULES.airflow : undefined),
    });
    expect(onlyAirflow.fireTimeChanges).toEqual([]);
    expect(computeWith(undefined, planSummary(), { from: FROM }).schedules.added[0]!.nextFireTimes).toEqual([]);
    expect(warnWith(planSummary(), after, undefined, FROM)).toBeUndefined();
  });

  it("no switch warning when the orchestrator stays, or the schedules fire alike on both", () => {
    expect(switchWarning(planSummary(), planSummary(), FROM)).toBeUndefined();
    const london = { name: "m", job: "marts", crons: ["0 6 * * *"], timezone: "Europe/London", enabled: true };
    expect(
      switchWarning(planSummary({ schedules: [london] }), planSummary({ orchestrator: "airflow", schedules: [london] }), FROM),
    ).toBeUndefined();
    expect(switchWarning(undefined, planSummary(), FROM)).toBeUndefined();
  });
});
