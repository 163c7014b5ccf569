/**
 * Retry only what failed, in a real Airflow 3 (`airflow dags test`) with the real dbt (DuckDB), on the
 * test/fixtures/dbt/retry_demo project: its artifacts come from `dbt parse` + `floe artifacts from-dbt`, so
 * the per-model settings travel from dbt meta `floe` to the tasks. One DAG run shows:
 * - `bad_data` builds but its unique test fails: the task fails once (try_number 1) although the model's
 *   meta gives it 3 retries, and `after_bad` is upstream_failed;
 * - `flaky` fails on its first attempt (a model error) and is retried with its meta's 1 s delay: green on
 *   try 2, and `after_flaky` runs after it;
 * - `flaky`'s meta pool is the task's pool in Airflow's database (the pool created first, as the
 *   `floe generate` warning asks), and its timeout is the task's execution_timeout.
 * The same run in build mode (one dbt invocation, model tasks report its results): `bad_data`'s task
 * fails once without retry as well; `flaky`'s retry runs dbt for it alone, and then `after_flaky`, which
 * the build skipped (its upstream had failed), runs dbt for itself instead of reporting that skip.
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, createAirflowHome, loadDagBag, run, type AirflowHome } from "./airflow-env.js";

const PROJECT = join(REPO_ROOT, "test", "fixtures", "dbt", "retry_demo");
const FLOE = join(REPO_ROOT, "packages/floe-core/bin/floe.js");
const POOL = "floe_retry_pool";

interface TaskRow {
  state: string;
  try_number: number;
  max_tries: number;
  pool: string;
}

type Mode = "per_model" | "build";

interface DemoRun {
  airflow: AirflowHome;
  marker: string;
  generateStderr: string;
  artifacts: { transforms: { models: Array<{ name: string; run_settings?: Record<string, unknown> }> } };
  dagsTest: { code: number; stdout: string; stderr: string };
  rows: Record<string, TaskRow>;
}

/** retry_demo's artifacts from `dbt parse`, its DAG generated in the given mode and run by `airflow dags test`. */
async function runDemo(mode: Mode): Promise<DemoRun> {
  const airflow = await createAirflowHome();
  const project = join(airflow.home, "retry_demo");
  cpSync(PROJECT, project, { recursive: true, filter: (src) => !/[\\/](target|logs)$|\.duckdb(\.wal)?$/.test(src) });
  const marker = join(airflow.home, "flaky-marker");
  const env = { ...airflow.env, FLOE_DUCKDB_PATH: join(airflow.home, "warehouse.duckdb"), FLOE_FLAKY_MARKER: marker };
  await run(join(airflow.venv, "bin", "dbt"), ["parse", "--project-dir", project, "--profiles-dir", project, "--quiet"], {
    cwd: project,
    env,
  });
  const artifactsFile = join(airflow.home, "compiled_artifacts.json");
  await run(
    process.execPath,
    [FLOE, "artifacts", "from-dbt", join(project, "target", "manifest.json"), "--product", "retry_demo", "--out", artifactsFile],
    { cwd: REPO_ROOT },
  );
  const artifacts = JSON.parse(readFileSync(artifactsFile, "utf8")) as DemoRun["artifacts"];
  const generated = await run(
    process.execPath,
    [
      FLOE,
      "generate",
      artifactsFile,
      "--orchestrator",
      "airflow",
      "--out",
      airflow.dags,
      "--dbt-project",
      project,
      "--execution-mode",
      mode,
    ],
    { cwd: REPO_ROOT },
  );
  await run(join(airflow.venv, "bin", "airflow"), ["pools", "set", POOL, "1", "floe retry e2e"], { env });
  const dagsTest = await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", "retry_demo"], {
    env,
    timeoutMs: 900_000,
    allowFailure: true,
  });
  const script = [
    "import json, sqlite3, sys",
    "con = sqlite3.connect(sys.argv[1])",
    "rows = con.execute('select task_id, state, try_number, max_tries, pool from task_instance where dag_id = ?', (sys.argv[2],)).fetchall()",
    "print(json.dumps({r[0]: {'state': r[1], 'try_number': r[2], 'max_tries': r[3], 'pool': r[4]} for r in rows}))",
  ].join("\n");
  const { stdout } = await run(airflow.python, ["-c", script, join(airflow.home, "airflow.db"), "retry_demo"], { env });
  const rows = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, TaskRow>;
  return { airflow, marker, generateStderr: generated.stderr, artifacts, dagsTest, rows };
}

describe("retry only what failed: Airflow", () => {
  let demo: DemoRun;
  let rows: Record<string, TaskRow>;

  beforeAll(async () => {
    // per_model: this block is about the per-model task's retries (build mode below)
    demo = await runDemo("per_model");
    rows = demo.rows;
  });

  afterAll(() => demo?.airflow.cleanup());

  it("carries dbt meta floe (config.meta and meta) into the artifacts, and warns about the pool", () => {
    const settings = Object.fromEntries(demo.artifacts.transforms.models.map((m) => [m.name, m.run_settings ?? null]));
    expect(settings).toEqual({
      a: null,
      bad_data: { retries: 3, retry_delay_seconds: 1 },
      flaky: { retries: 2, retry_delay_seconds: 1, pool: POOL, timeout_seconds: 600 },
      after_bad: null,
      after_flaky: null,
    });
    expect(demo.generateStderr).toContain(`the DAGs use Airflow pool ${POOL} (dbt meta floe pool): create it`);
  });

  it("fails a task whose data test failed once, without retry, although it has retries", () => {
    expect(demo.dagsTest.code, demo.dagsTest.stdout.slice(-3000)).not.toBe(0);
    expect(rows.bad_data).toMatchObject({ state: "failed", try_number: 1, max_tries: 3 });
    expect(rows.after_bad?.state).toBe("upstream_failed");
    // Airflow's console colours the exception: compare the text without ANSI codes.
    const output = `${demo.dagsTest.stdout}\n${demo.dagsTest.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
    expect(output).toMatch(/AirflowFailException: dbt: the model built but 1 test\(s\) failed/);
  });

  it("retries a model that failed and is green on the second try; its dependents run", () => {
    expect(existsSync(demo.marker), "flaky's first attempt ran and failed").toBe(true);
    expect(rows.flaky).toMatchObject({ state: "success", try_number: 2, max_tries: 2 });
    expect(rows.after_flaky).toMatchObject({ state: "success", try_number: 1 });
    expect(rows.a).toMatchObject({ state: "success", try_number: 1 });
  });

  it("gives the task its model's pool and timeout (the pool in Airflow's database)", async () => {
    expect(rows.flaky?.pool).toBe(POOL);
    expect(rows.a?.pool).toBe("default_pool");
    const report = await loadDagBag(demo.airflow, demo.airflow.dags);
    expect(report.dags.retry_demo!.tasks.flaky).toMatchObject({ retries: 2, execution_timeout: 600 });
    expect(report.dags.retry_demo!.tasks.bad_data).toMatchObject({ retries: 3, execution_timeout: 3600 });
  });
});

describe("retry only what failed: Airflow build mode", () => {
  let demo: DemoRun;
  let rows: Record<string, TaskRow>;
  let output: string;

  beforeAll(async () => {
    demo = await runDemo("build");
    rows = demo.rows;
    // Airflow's console colours the exception: compare the text without ANSI codes.
    output = `${demo.dagsTest.stdout}\n${demo.dagsTest.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  });

  afterAll(() => demo?.airflow.cleanup());

  it("fails a task whose data test failed in the build once, without retry, although it has retries", () => {
    expect(demo.dagsTest.code, output.slice(-3000)).not.toBe(0);
    expect(rows.dbt_build).toMatchObject({ state: "success", try_number: 1 });
    expect(rows.bad_data).toMatchObject({ state: "failed", try_number: 1, max_tries: 3 });
    expect(rows.after_bad?.state).toBe("upstream_failed");
    // (the console wraps the message's lines)
    expect(output).toMatch(/AirflowFailException: dbt: the model built but 1 test\(s\) failed\s+\(unique_bad_data_id\): not retried/);
  });

  it("retries a model that failed in the build by running dbt for it alone; then its dependent, which the build skipped, runs dbt for itself", () => {
    expect(existsSync(demo.marker), "flaky's first attempt ran and failed").toBe(true);
    expect(rows.flaky).toMatchObject({ state: "success", try_number: 2, max_tries: 2 });
    expect(rows.after_flaky).toMatchObject({ state: "success", try_number: 1 });
    expect(rows.a).toMatchObject({ state: "success", try_number: 1 });
    expect(output.match(/floe: running dbt for \d+ models in one invocation/g)).toHaveLength(1);
    // flaky's retry, and after_flaky: the build skipped it, but its upstream task has succeeded since.
    expect(output.match(/floe: running dbt for this model alone \([^)]*\)/g)?.sort()).toEqual([
      "floe: running dbt for this model alone (try 1: the build skipped it, its upstream tasks have succeeded since)",
      "floe: running dbt for this model alone (try 2)",
    ]);
  });
});
