// Issue 14's acceptance line: real public dbt projects (test/corpus/projects, see NOTICE.md), each
// built three ways — plain `dbt build`, floe → Dagster, floe → Airflow — into three DuckDB files that
// must hold the same relations with the same row counts and the same content hash per table.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildWithAirflow,
  buildWithDagster,
  buildWithDbt,
  differences,
  failure,
  migrateAirflow,
  pythonVenvs,
  type CorpusProject,
  type Venvs,
  type WayResult,
} from "./harness.js";

const PROJECTS: CorpusProject[] = [
  // dbt-labs' classic jaffle shop for DuckDB: seeds, staging views, two marts, generic tests.
  { name: "jaffle_shop_duckdb" },
  // dbt-labs' current jaffle shop: sources loaded outside dbt (schema raw), dbt_utils/dbt_date/audit_helper,
  // unit tests, semantic models, metrics, a saved query; its seeds are disabled unless load_source_data.
  {
    name: "jaffle-shop",
    sources: "jaffle-shop.py",
    clockColumns: {
      // The spine is the 3,650 days up to today in America/Los_Angeles (dbt_date.get_base_dates with
      // no start date), so its one column moves at 08:00 UTC: a run that straddled it differed here
      // and nowhere else. Its row count is still compared.
      "main.metricflow_time_spine": ["date_day"],
    },
  },
  // Cosmos' altered jaffle shop: seeds raw_* AND sources postgres_db.raw_* naming the same tables
  // (the models read both), an ephemeral model, an exposure, a source with no table, dbt_utils.
  { name: "altered_jaffle_shop", env: { POSTGRES_DB: "warehouse", POSTGRES_SCHEMA: "main" } },
  // Cosmos' model_version: versioned models (customers v1/v2, stg_customers v1/v2) with aliases.
  { name: "model_version" },
  // dagster-dbt's snapshot test project: seed → model → snapshot (check strategy).
  {
    name: "dagster_dbt_snapshot",
    clockColumns: {
      // check strategy: dbt stamps each snapshot row with the run's current timestamp, and
      // dbt_scd_id is a hash of the unique key and that timestamp.
      "main.orders_snapshot": ["dbt_valid_from", "dbt_updated_at", "dbt_scd_id"],
    },
  },
];

// FLOE_CORPUS_PROJECTS=a,b runs only those projects (while working on one); unset, all of them.
const ONLY = process.env.FLOE_CORPUS_PROJECTS?.split(",").filter(Boolean);
const SELECTED = ONLY ? PROJECTS.filter((p) => ONLY.includes(p.name)) : PROJECTS;

interface Outcome {
  dbt: WayResult;
  dagster: WayResult;
  airflow: WayResult;
  seconds: number;
}

const outcomes = new Map<string, Outcome>();
let venvs: Venvs;
let work: string;
const started = Date.now();

beforeAll(async () => {
  venvs = pythonVenvs();
  work = mkdtempSync(join(tmpdir(), "floe-corpus-"));
  await migrateAirflow(venvs, join(work, "airflow"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  const lines = [
    `corpus: ${((Date.now() - started) / 1000).toFixed(0)} s wall`,
    "project | relations | rows | dbt / dagster / airflow | equal | seconds (dbt, dagster, airflow)",
  ];
  for (const [name, o] of outcomes) {
    const relations = Object.keys(o.dbt.relations).length;
    const rows = Object.values(o.dbt.relations).reduce((sum, r) => sum + r.rows, 0);
    const equal =
      differences(o.dbt.relations, o.dagster.relations).length === 0 && differences(o.dbt.relations, o.airflow.relations).length === 0;
    const status = [o.dbt, o.dagster, o.airflow].map((w) => (w.ok ? "ok" : `FAILED(${w.step})`)).join(" / ");
    lines.push(
      `${name} | ${relations} | ${rows} | ${status} | ${equal && o.dbt.ok && o.dagster.ok && o.airflow.ok ? "yes" : "no"} | ${o.seconds.toFixed(0)} (${[o.dbt, o.dagster, o.airflow].map((w) => (w.cached ? "cached" : w.seconds.toFixed(0))).join(", ")})`,
    );
  }
  console.log(lines.join("\n"));
});

describe.each(SELECTED)("corpus project $name", (project) => {
  let outcome: Outcome;

  beforeAll(async () => {
    const dir = join(work, project.name);
    const t0 = Date.now();
    // Separate copies and DuckDB files: the three ways run side by side.
    const dagsterWay = buildWithDagster(venvs, project, join(dir, "dagster"));
    const [dbt, dagster, airflow] = await Promise.all([
      buildWithDbt(venvs, project, join(dir, "dbt")),
      dagsterWay.result,
      buildWithAirflow(venvs, project, join(dir, "airflow"), join(work, "airflow"), dagsterWay.artifacts),
    ]);
    outcome = { dbt, dagster, airflow, seconds: (Date.now() - t0) / 1000 };
    outcomes.set(project.name, outcome);
  }, 3_600_000);

  it("`dbt build` passes and builds relations", () => {
    expect(outcome.dbt.ok, failure(outcome.dbt)).toBe(true);
    expect(Object.keys(outcome.dbt.relations).length).toBeGreaterThan(0);
  });

  it("floe → Dagster: `dagster asset materialize --select '*'` succeeds", () => {
    expect(outcome.dagster.ok, failure(outcome.dagster)).toBe(true);
  });

  it("floe → Airflow: `airflow dags test` runs every task to success", () => {
    expect(outcome.airflow.ok, failure(outcome.airflow)).toBe(true);
  });

  it("Dagster's database equals dbt build's: relations, row counts, content hashes", () => {
    expect(differences(outcome.dbt.relations, outcome.dagster.relations)).toEqual([]);
  });

  it("Airflow's database equals dbt build's: relations, row counts, content hashes", () => {
    expect(differences(outcome.dbt.relations, outcome.airflow.relations)).toEqual([]);
  });
});
