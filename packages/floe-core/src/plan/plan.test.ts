import { describe, expect, it } from "vitest";
import { planSummary } from "floe-test-utils/plan-summary";
import { computePlan, renderPlan, switchWarning } from "./plan.js";

// Fire times come from the plugins' schedules capability: test/plan/plan.test.ts checks next fire times
// and the switch's fire-time changes with both plugins. Here: the comparison itself, with no semantics given.
const FROM = new Date("2025-03-01T00:00:00Z");

describe("computePlan without schedule semantics", () => {
  it("no change: same summaries", () => {
    const plan = computePlan(planSummary(), planSummary(), { from: FROM });
    expect(plan.changed).toBe(false);
    expect(renderPlan(plan, "out")).toMatch(/No changes/);
  });

  it("jobs, tasks and datasets compare; schedules show without next fire times; a switch shows no fire-time changes", () => {
    const after = planSummary({
      orchestrator: "airflow",
      jobs: [{ name: "shop", tasks: ["a", "c", "d"] }],
      datasets: ["duckdb://w::w.main.a"],
    });
    const plan = computePlan(planSummary(), after, { from: FROM });
    expect(plan.changed).toBe(true);
    expect(plan.previousOrchestrator).toBe("dagster");
    expect(plan.jobs).toEqual({ added: [], removed: ["marts"], changed: [{ name: "shop", tasksAdded: ["d"], tasksRemoved: ["b"] }] });
    expect(plan.datasets).toEqual({ added: [], removed: ["duckdb://w::w.main.b"] });
    expect(plan.fireTimeChanges).toEqual([]);
    expect(computePlan(undefined, planSummary(), { from: FROM }).schedules.added[0]!.nextFireTimes).toEqual([]);
    expect(switchWarning(planSummary(), after, undefined, FROM)).toBeUndefined();
  });
});
