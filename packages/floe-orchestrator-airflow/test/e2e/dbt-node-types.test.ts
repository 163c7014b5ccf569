/**
 * Snapshots on a dbt project beyond the example (test/fixtures/dbt/jaffle_snapshots: jaffle_shop plus
 * a timestamp and a check snapshot, a model reading a snapshot, a relationships test reading two
 * models). `dbt build` into one DuckDB file is the reference; `airflow dags test` of the generated DAG
 * must leave the same relations, row counts and contents in another.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DBT_FIXTURES, copyDbtProject } from "floe-test-utils/dbt-project";
import { airflowTaskId } from "../../src/task-specs.js";
import { createAirflowHome, floeGenerate, loadDagBag, run, taskStates, type AirflowHome } from "./airflow-env.js";

const PROJECT = "jaffle_snapshots";

type Relations = Record<string, { rows: number; hash: string }>;
type Model = { name: string; depends_on?: string[] };

let airflow: AirflowHome;

beforeAll(async () => {
  airflow = await createAirflowHome();
});

afterAll(() => airflow?.cleanup());

async function readRelations(database: string): Promise<Relations> {
  const { stdout } = await run(airflow.python, [join(DBT_FIXTURES, "relations.py"), database], { env: airflow.env });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Relations;
}

describe("jaffle_snapshots: snapshots as Airflow tasks", () => {
  const artifactsFile = join(DBT_FIXTURES, PROJECT, "compiled_artifacts.json");
  const models = (JSON.parse(readFileSync(artifactsFile, "utf8")) as { transforms: { models: Model[] } }).transforms.models;
  let project: string;
  let reference: Relations;

  beforeAll(async () => {
    project = join(airflow.home, PROJECT);
    copyDbtProject(join(DBT_FIXTURES, PROJECT), project);
    const referenceDb = join(airflow.home, "reference.duckdb");
    await run(
      join(airflow.venv, "bin", "dbt"),
      ["build", "--project-dir", project, "--profiles-dir", project, "--target-path", join(airflow.home, "reference-target"), "--quiet"],
      {
        cwd: project,
        env: { ...airflow.env, FLOE_DUCKDB_PATH: referenceDb },
      },
    );
    reference = await readRelations(referenceDb);
    await floeGenerate(artifactsFile, airflow.dags, project);
  });

  it("has a task per snapshot, after the model it reads and before the model that reads it", async () => {
    const report = await loadDagBag(airflow, airflow.dags);
    expect(report.import_errors).toEqual({});
    const tasks = report.dags[PROJECT]!.tasks;
    expect(tasks[airflowTaskId("customers_snapshot")]?.upstream).toEqual(["stg_customers"]);
    expect(tasks[airflowTaskId("orders_snapshot")]?.upstream).toEqual(["stg_orders"]);
    expect(tasks[airflowTaskId("customer_history")]?.upstream).toEqual(["customers_snapshot"]);
  });

  it("`airflow dags test` builds what `dbt build` builds: same relations, rows and contents", async () => {
    const duckdb = join(airflow.home, "warehouse.duckdb");
    await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", PROJECT], {
      env: {
        ...airflow.env,
        FLOE_DUCKDB_PATH: duckdb,
        DBT_TARGET_PATH: join(airflow.home, "dbt-target"),
        DBT_LOG_PATH: join(airflow.home, "dbt-logs"),
      },
      timeoutMs: 1_700_000,
    });
    // Build mode (the default): one dbt invocation in `dbt_build`, then each node's task reports its result.
    expect(await taskStates(airflow, PROJECT)).toEqual({
      dbt_build: "success",
      ...Object.fromEntries(models.map((m) => [airflowTaskId(m.name), "success"])),
    });
    for (const table of ["snapshots.customers_snapshot", "snapshots.orders_snapshot"])
      expect(reference[table]?.rows, table).toBeGreaterThan(0);
    expect(await readRelations(duckdb)).toEqual(reference);
  }, 1_800_000); // one dbt build and 12 reporting tasks: minutes on a busy 2-core machine
});
