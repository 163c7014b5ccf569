/**
 * Runtime lineage through apache-airflow-providers-openlineage, in per-model mode (build mode's lineage:
 * build-mode.test.ts): the example's DAGs, generated with an
 * OpenLineage endpoint in the artifacts (a loopback backend) and run by a real `airflow dags test` with
 * the generated openlineage.env, send START and COMPLETE for every model's task (with the datasets floe
 * named) and for the DAG run; with one model's SQL broken, its task and the DAG run end in FAIL.
 *
 * `airflow dags test` creates its run already RUNNING and never calls the listeners' on_dag_run_running
 * (the scheduler does, in a deployment), so the provider alone sends no DAG-run START there; the generated
 * operator's pre_execute sends it through the provider's adapter for `dags test` runs. The test counts
 * every event, so a second START (from a future Airflow that notifies listeners) fails it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyDbtProject } from "floe-test-utils/dbt-project";
import { writeOutputDirectory, type CompiledArtifactsInput } from "floe-core";
import { startLineageBackend, type LineageBackend } from "floe-test-utils/lineage-backend";
import { loadSpecValidator } from "floe-test-utils/openlineage-spec";
import { AirflowPlugin } from "../../src/index.js";
import { REPO_ROOT, byJob, createAirflowHome, lineageEnv, run, type AirflowHome } from "./airflow-env.js";

interface Event {
  eventType: string;
  run: { runId: string; facets?: { parent?: { run: { runId: string } }; errorMessage?: { message: string } } };
  job: { namespace: string; name: string };
  inputs?: Array<{ namespace: string; name: string }>;
  outputs?: Array<{ namespace: string; name: string }>;
}

const EXAMPLE_DIR = join(REPO_ROOT, "examples", "jaffle_shop");
const API_KEY = "floe-airflow-key-51c9";
// The example's profiles.yml, so floe can name the DuckDB tables (the example's artifacts carry no profile).
const EXAMPLE_PROFILES = { jaffle_shop: { target: "dev", outputs: { dev: { type: "duckdb", path: "jaffle_shop.duckdb", threads: 1 } } } };

type Artifacts = CompiledArtifactsInput & {
  metadata: { product_name: string };
  observability: Record<string, unknown>;
  transforms: { models: Array<{ name: string }> };
};

function artifactsFor(backend: LineageBackend): Artifacts {
  const artifacts = JSON.parse(readFileSync(join(EXAMPLE_DIR, "compiled_artifacts.json"), "utf8")) as Artifacts;
  artifacts.observability = { ...artifacts.observability, lineage_endpoint: backend.url };
  (artifacts as Record<string, unknown>).dbt_profiles = EXAMPLE_PROFILES;
  return artifacts;
}

describe("runtime lineage from `airflow dags test` of the example", () => {
  let backend: LineageBackend;
  let airflow: AirflowHome;
  let artifacts: Artifacts;
  let product: string;
  let okDags: string;
  let ok: { code: number; events: Event[] };
  let failing: { code: number; events: Event[] };

  beforeAll(async () => {
    backend = await startLineageBackend();
    airflow = await createAirflowHome();
    artifacts = artifactsFor(backend);
    product = artifacts.metadata.product_name;
    const dbtEnv = {
      FLOE_DUCKDB_PATH: join(airflow.home, "warehouse.duckdb"),
      DBT_TARGET_PATH: join(airflow.home, "dbt-target"),
      DBT_LOG_PATH: join(airflow.home, "dbt-logs"),
    };

    okDags = join(airflow.home, "ok-dags");
    mkdirSync(okDags);
    await writeOutputDirectory(
      okDags,
      new AirflowPlugin({ dbtProjectDir: EXAMPLE_DIR, retries: 0, executionMode: "per_model" }).createDefinitions(artifacts).render(),
    );
    const env = { ...airflow.env, ...dbtEnv, ...lineageEnv(okDags), OPENLINEAGE_API_KEY: API_KEY, AIRFLOW__CORE__DAGS_FOLDER: okDags };
    const first = await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", product], {
      env,
      timeoutMs: 600_000,
      allowFailure: true,
    });
    ok = { code: first.code, events: backend.events.splice(0) as Event[] };

    // A copy of the project with orders broken; the job "daily_marts" (customers, orders) reads the
    // staging views the first run built in the same DuckDB file.
    const project = join(airflow.home, "broken-project");
    copyDbtProject(EXAMPLE_DIR, project);
    writeFileSync(join(project, "models", "marts", "orders.sql"), "select no_such_column from no_such_table\n");
    const brokenDags = join(airflow.home, "broken-dags");
    mkdirSync(brokenDags);
    await writeOutputDirectory(
      brokenDags,
      new AirflowPlugin({ dbtProjectDir: project, retries: 0, executionMode: "per_model" }).createDefinitions(artifacts).render(),
    );
    const second = await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", "daily_marts"], {
      env: { ...env, ...lineageEnv(brokenDags), AIRFLOW__CORE__DAGS_FOLDER: brokenDags },
      timeoutMs: 600_000,
      allowFailure: true,
    });
    failing = { code: second.code, events: backend.events.splice(0) as Event[] };
  });

  afterAll(async () => {
    await backend?.close();
    airflow?.cleanup();
  });

  it("emits START and COMPLETE for every model's task and for the DAG run", () => {
    expect(ok.code).toBe(0);
    const jobs = byJob(ok.events);
    for (const model of artifacts.transforms.models)
      expect(jobs.get(`${product}.${model.name}`), model.name).toEqual(["START", "COMPLETE"]);
    expect(jobs.get(product)).toEqual(["START", "COMPLETE"]);
    expect(ok.events).toHaveLength(2 * artifacts.transforms.models.length + 2);
    expect(new Set(ok.events.map((e) => e.job.namespace))).toEqual(new Set([artifacts.observability.lineage_namespace]));
  });

  it("carries the datasets floe named for each model, and ties tasks to the DAG run", () => {
    const orders = ok.events.filter((e) => e.job.name === `${product}.orders`);
    for (const event of orders) {
      expect(event.outputs?.map(({ namespace, name }) => ({ namespace, name }))).toEqual([
        { namespace: "duckdb://jaffle_shop.duckdb", name: "jaffle_shop.main.orders" },
      ]);
      expect(event.inputs?.map((d) => d.name).sort()).toEqual(["jaffle_shop.main.stg_orders", "jaffle_shop.main.stg_payments"]);
    }
    const dagRun = ok.events.filter((e) => e.job.name === product);
    // START (sent by floe's operator) and COMPLETE (sent by the provider) name the same run.
    expect(new Set(dagRun.map((e) => e.run.runId)).size).toBe(1);
    expect(orders[0]!.run.facets?.parent?.run.runId).toBe(dagRun[0]!.run.runId);
  });

  it("every received event validates against the OpenLineage spec (the provider's own facets against the base facet)", () => {
    const spec = loadSpecValidator();
    for (const event of [...ok.events, ...failing.events])
      expect(spec.validateRunEvent(event, { customFacets: "base" }), JSON.stringify(event).slice(0, 500)).toEqual([]);
  });

  it("sends the API key from OPENLINEAGE_API_KEY and never writes it into the generated files", () => {
    expect(backend.requests.length).toBeGreaterThan(0);
    for (const r of backend.requests) expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
    // Every file under the DAGs folder, including what Airflow itself left there (e.g. __pycache__).
    const files = readdirSync(okDags, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name)).toString("latin1")).not.toContain(API_KEY);
  });

  it("emits FAIL for the failing model's task and for the DAG run", () => {
    expect(failing.code).not.toBe(0);
    const jobs = byJob(failing.events);
    expect(jobs.get("daily_marts.orders")).toEqual(["START", "FAIL"]);
    expect(jobs.get("daily_marts.customers")).toEqual(["START", "COMPLETE"]);
    expect(jobs.get("daily_marts")).toEqual(["START", "FAIL"]);
  });
});
