// How long DagsterPlugin takes to model and render a code location, by number of transforms.
// Reproduce: pnpm build && node bench/dagster-generate.mjs
import { DagsterPlugin } from "../packages/floe-orchestrator-dagster/dist/index.js";

function artifacts(n, withIds) {
  const models = Array.from({ length: n }, (_, i) => ({
    name: `model_${i}`,
    compute: "duckdb",
    tags: i % 3 === 0 ? ["daily"] : [],
    depends_on: i === 0 ? [] : [`model_${Math.floor(i / 2)}`],
    ...(withIds ? { unique_id: `model.bench.model_${i}` } : {}),
  }));
  return {
    version: "0.10.0",
    metadata: {
      compiled_at: "2026-01-01T00:00:00Z",
      floe_version: "0.10.0",
      source_hash: "x",
      product_name: "bench",
      product_version: "1.0.0",
    },
    identity: { product_id: "bench", domain: "d", repository: "" },
    observability: { lineage: true },
    transforms: { models, default_compute: "duckdb" },
    orchestration: {
      jobs: [{ name: "daily", select: { tags: ["daily"] } }],
      schedules: [{ job: "daily", cron: "0 6 * * *", timezone: "Europe/London" }],
    },
  };
}

const plugin = new DagsterPlugin({ dbtProjectDir: "/srv/dbt/bench" });
console.log("transforms  mode           median ms  bytes of definitions.py");
for (const n of [10, 100, 1000, 5000]) {
  for (const withIds of [true, false]) {
    const input = artifacts(n, withIds);
    const times = [];
    let size = 0;
    for (let run = 0; run < 7; run++) {
      const start = process.hrtime.bigint();
      const files = plugin.createDefinitions(input).render();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      size = files.find((f) => f.path.endsWith("/definitions.py")).content.length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${String(n).padStart(10)}  ${(withIds ? "dbt-manifest" : "per-transform").padEnd(13)}  ${times[3].toFixed(1).padStart(9)}  ${size}`,
    );
  }
}
console.log("\nreproduce: pnpm build && node bench/dagster-generate.mjs");
