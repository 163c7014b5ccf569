/**
 * Build mode (the default) in a real Airflow 3 with the real dbt: one `dbt build` of the job's
 * selection in the `dbt_build` task, then each model's task reports its model's result.
 *
 * - The example's DAG under `airflow dags test` leaves the same relations, row counts and contents
 *   in DuckDB as a plain `dbt build`, every task succeeds, each model's task log shows dbt's lines for
 *   its model and its tests, and the OpenLineage provider sends START and COMPLETE per model's task
 *   with the datasets floe named.
 * - With `orders` broken (a model in the middle): its task fails with dbt's error, its dependent
 *   `customer_revenue` ends upstream_failed, the independent models succeed, and lineage has FAIL for
 *   orders and for the DAG run. Its retry runs dbt for that model alone instead of re-reading the build.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeOutputDirectory, type CompiledArtifactsInput } from "floe-core";
import { startLineageBackend, type LineageBackend } from "floe-test-utils/lineage-backend";
import { AirflowPlugin } from "../../src/index.js";
import { airflowTaskId } from "../../src/task-specs.js";
import { REPO_ROOT, byJob, createAirflowHome, lineageEnv, run, taskStates, type AirflowHome } from "./airflow-env.js";

interface Event {
  eventType: string;
  job: { namespace: string; name: string };
  inputs?: Array<{ namespace: string; name: string }>;
  outputs?: Array<{ namespace: string; name: string }>;
}
type Relations = Record<string, { rows: number; hash: string }>;
type Artifacts = CompiledArtifactsInput & {
  metadata: { product_name: string };
  observability: Record<string, unknown>;
  transforms: { models: Array<{ name: string; depends_on?: string[] }> };
};

const EXAMPLE_DIR = join(REPO_ROOT, "examples", "jaffle_shop");
const RELATIONS_PY = join(REPO_ROOT, "test", "fixtures", "dbt", "relations.py");
const EXAMPLE_PROFILES = { jaffle_shop: { target: "dev", outputs: { dev: { type: "duckdb", path: "jaffle_shop.duckdb", threads: 1 } } } };

describe("build mode: one dbt invocation, a task per model reporting its result", () => {
  let backend: LineageBackend;
  let airflow: AirflowHome;
  let artifacts: Artifacts;
  let product: string;
  let reference: Relations;
  let ok: { code: number; stdout: string; events: Event[]; states: Record<string, string>; relations: Relations; resultXComs: number };
  let failing: { code: number; stdout: string; events: Event[]; states: Record<string, string> };

  beforeAll(async () => {
    backend = await startLineageBackend();
    airflow = await createAirflowHome();
    artifacts = JSON.parse(readFileSync(join(EXAMPLE_DIR, "compiled_artifacts.json"), "utf8")) as Artifacts;
    artifacts.observability = { ...artifacts.observability, lineage_endpoint: backend.url };
    (artifacts as Record<string, unknown>).dbt_profiles = EXAMPLE_PROFILES;
    product = artifacts.metadata.product_name;
    const dbtPaths = { DBT_TARGET_PATH: join(airflow.home, "dbt-target"), DBT_LOG_PATH: join(airflow.home, "dbt-logs") };
    const relations = async (database: string) =>
      JSON.parse((await run(airflow.python, [RELATIONS_PY, database], { env: airflow.env })).stdout.trim().split("\n").pop()!) as Relations;

    // The reference: plain `dbt build` of the example.
    const referenceDb = join(airflow.home, "reference.duckdb");
    await run(join(airflow.venv, "bin", "dbt"), ["build", "--project-dir", EXAMPLE_DIR, "--profiles-dir", EXAMPLE_DIR, "--quiet"], {
      env: { ...airflow.env, ...dbtPaths, FLOE_DUCKDB_PATH: referenceDb },
      cwd: EXAMPLE_DIR,
      timeoutMs: 600_000,
    });
    reference = await relations(referenceDb);

    const dagsTest = async (project: string, name: string, dag: string, retries = 0) => {
      const dags = join(airflow.home, `${name}-dags`);
      mkdirSync(dags);
      const plugin = new AirflowPlugin({ dbtProjectDir: project, retries, retryDelaySeconds: 1, retryExponentialBackoff: 0 });
      expect(plugin.options.executionMode).toBe("build");
      await writeOutputDirectory(dags, plugin.createDefinitions(artifacts).render());
      const database = join(airflow.home, `${name}.duckdb`);
      const env = { ...airflow.env, ...dbtPaths, ...lineageEnv(dags), FLOE_DUCKDB_PATH: database, AIRFLOW__CORE__DAGS_FOLDER: dags };
      const result = await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", dag], {
        env,
        timeoutMs: 600_000,
        allowFailure: true,
      });
      return {
        code: result.code,
        stdout: result.stdout + result.stderr,
        events: backend.events.splice(0) as Event[],
        states: await taskStates(airflow, dag),
        database,
      };
    };

    const first = await dagsTest(EXAMPLE_DIR, "ok", product);
    const xcoms = await run(
      airflow.python,
      [
        "-c",
        "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from xcom where dag_id = ? and task_id = 'dbt_build' and key like 'floe_dbt_result%'\", (sys.argv[2],)).fetchone()[0])",
        join(airflow.home, "airflow.db"),
        product,
      ],
      { env: airflow.env },
    );
    ok = { ...first, relations: await relations(first.database), resultXComs: Number(xcoms.stdout.trim().split("\n").pop()) };

    // A copy of the project with orders broken, run as a whole again (a fresh DuckDB file) in its own Airflow DB.
    const project = join(airflow.home, "broken-project");
    cpSync(EXAMPLE_DIR, project, { recursive: true, filter: (src) => !/[\\/](target|logs)$|\.duckdb(\.wal)?$/.test(src) });
    writeFileSync(join(project, "models", "marts", "orders.sql"), "select no_such_column from no_such_table\n");
    await run(
      airflow.python,
      [
        "-c",
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('delete from task_instance'); c.commit()",
        join(airflow.home, "airflow.db"),
      ],
      { env: airflow.env },
    );
    // One retry: the failed model's second try runs dbt for that model alone (still broken).
    failing = await dagsTest(project, "broken", product, 1);
  });

  afterAll(async () => {
    await backend?.close();
    airflow?.cleanup();
  });

  it("runs every task to success and leaves in DuckDB exactly what plain `dbt build` leaves", () => {
    expect(ok.code, ok.stdout.slice(-3000)).toBe(0);
    expect(ok.states).toEqual({
      dbt_build: "success",
      ...Object.fromEntries(artifacts.transforms.models.map((m) => [airflowTaskId(m.name), "success"])),
    });
    expect(Object.keys(reference).length).toBeGreaterThanOrEqual(artifacts.transforms.models.length);
    expect(ok.relations).toEqual(reference);
  });

  it("publishes the models' results in one XCom per 25 model tasks, not one per model", () => {
    // Each XCom costs a call to Airflow's execution API (about 20 ms each under `dags test`).
    expect(ok.resultXComs).toBe(Math.ceil(artifacts.transforms.models.length / 25));
  });

  it("runs dbt once for the selection, and each model's task logs its model's and tests' dbt lines and timing", () => {
    expect(ok.stdout.match(/floe: running dbt for \d+ models in one invocation/g)).toEqual([
      `floe: running dbt for ${artifacts.transforms.models.length} models in one invocation`,
    ]);
    expect(ok.stdout).not.toContain("running dbt for this model alone");
    expect(ok.stdout).toMatch(/dbt model orders: success \(\d+\.\d\ds, started 20\d\d-/);
    expect(ok.stdout).toMatch(/dbt test unique_orders_order_id: pass/);
    expect(ok.stdout).toMatch(/dbt seed raw_orders: success/);
  });

  it("emits START and COMPLETE for every model's task, with the datasets floe named, and for the DAG run", () => {
    const jobs = byJob(ok.events);
    for (const model of artifacts.transforms.models)
      expect(jobs.get(`${product}.${model.name}`), model.name).toEqual(["START", "COMPLETE"]);
    expect(jobs.get(product)).toEqual(["START", "COMPLETE"]);
    expect(jobs.get(`${product}.dbt_build`)).toEqual(["START", "COMPLETE"]);
    expect(ok.events).toHaveLength(2 * artifacts.transforms.models.length + 4);
    for (const event of ok.events.filter((e) => e.job.name === `${product}.orders`)) {
      expect(event.outputs?.map(({ namespace, name }) => ({ namespace, name }))).toEqual([
        { namespace: "duckdb://jaffle_shop.duckdb", name: "jaffle_shop.main.orders" },
      ]);
      expect(event.inputs?.map((d) => d.name).sort()).toEqual(["jaffle_shop.main.stg_orders", "jaffle_shop.main.stg_payments"]);
    }
  });

  it("a model failing in the middle fails its task, its dependents end upstream_failed, independent models succeed", () => {
    expect(failing.code).not.toBe(0);
    const expected = Object.fromEntries(artifacts.transforms.models.map((m) => [airflowTaskId(m.name), "success"]));
    expect(failing.states).toEqual({ ...expected, dbt_build: "success", orders: "failed", customer_revenue: "upstream_failed" });
    // The task's failure is dbt's error for the model.
    expect(failing.stdout).toMatch(/dbt model orders: error/);
    expect(failing.stdout).toContain("no_such_table");
  });

  it("a failed model's retry runs dbt for that model alone, once", () => {
    expect(failing.stdout.match(/floe: running dbt for \d+ models in one invocation/g)).toHaveLength(1);
    expect(failing.stdout.match(/floe: running dbt for this model alone \(try \d+\)/g)).toEqual([
      "floe: running dbt for this model alone (try 2)",
    ]);
  });

  it("emits FAIL for the failing model's task and for the DAG run, COMPLETE for the others that ran", () => {
    const jobs = byJob(failing.events);
    // Two tries of orders: the build's result, then its own dbt run.
    expect(jobs.get(`${product}.orders`)?.filter((e) => e === "START")).toHaveLength(2);
    expect(jobs.get(`${product}.orders`)?.at(-1)).toBe("FAIL");
    expect(jobs.get(`${product}.customers`)).toEqual(["START", "COMPLETE"]);
    expect(jobs.get(`${product}.stg_orders`)).toEqual(["START", "COMPLETE"]);
    expect(jobs.get(product)).toEqual(["START", "FAIL"]);
  });
});
