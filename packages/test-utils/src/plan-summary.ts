// One plan summary (floe-core's PlanSummary) for the plan tests: floe-core's own (the comparison, no fire
// times) and the repository's (the plugins' fire times). Override any field per case.
import type { PlanSummary } from "floe-core";

/** The summary of a product "shop" on Dagster: two jobs, one nightly schedule in New York, two datasets. */
export function planSummary(over: Partial<PlanSummary> = {}): PlanSummary {
  return {
    orchestrator: "dagster",
    product: "shop",
    jobs: [
      { name: "shop", tasks: ["a", "b", "c"] },
      { name: "marts", tasks: ["c"] },
    ],
    schedules: [{ name: "marts_nightly", job: "marts", crons: ["30 2 * * *"], timezone: "America/New_York", enabled: true }],
    datasets: ["duckdb://w::w.main.a", "duckdb://w::w.main.b"],
    ...over,
  };
}
