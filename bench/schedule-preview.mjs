// Prints how long floe's schedule engine takes to compute fire times (each plugin's `schedules.preview`).
// Run after `pnpm build`:
//   node bench/schedule-preview.mjs
import { performance } from "node:perf_hooks";
import { AirflowPlugin } from "../packages/floe-orchestrator-airflow/dist/index.js";
import { DagsterPlugin } from "../packages/floe-orchestrator-dagster/dist/index.js";

const SCHEDULES = { dagster: new DagsterPlugin().schedules, airflow: new AirflowPlugin().schedules };

const CASES = [
  ["*/5 * * * *", "America/New_York"],
  ["30 2 * * *", "Australia/Lord_Howe"],
  ["0 9 * * 1-5", "Europe/Dublin"],
  ["15 1-3 * * *", "Pacific/Chatham"],
  ["0 0 29 2 *", "UTC"],
];
const COUNT = 1000;
const from = new Date("2025-01-01T00:00:00Z");
console.log(`floe schedule engine: ${COUNT} fire times per case, best of 5 runs (node ${process.version})`);
for (const orchestrator of ["dagster", "airflow"]) {
  for (const [cron, timezone] of CASES) {
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      SCHEDULES[orchestrator].preview({ cron, timezone, from, count: COUNT });
      best = Math.min(best, performance.now() - start);
    }
    console.log(
      `${orchestrator.padEnd(8)} ${cron.padEnd(14)} ${timezone.padEnd(20)} ${best.toFixed(1).padStart(8)} ms  ${((best * 1000) / COUNT).toFixed(1).padStart(7)} us/fire`,
    );
  }
}
console.log("reproduce: pnpm build && node bench/schedule-preview.mjs");
