/**
 * Sources and freshness on Airflow: test/fixtures/dbt/fresh_sources declares dbt `freshness` (warn after
 * 1 day, error after 2) on three sources that load_sources.py fills 1 hour, 30 hours and 3 days ago. One
 * `airflow dags test`: each source's freshness task runs before the model reading it; the stale one fails
 * and its model does not run, the late one only warns (dbt's semantics), the fresh one passes.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DBT_FIXTURES, copyDbtProject } from "floe-test-utils/dbt-project";
import { createAirflowHome, floeGenerate, loadDagBag, run, taskStates, type AirflowHome } from "./airflow-env.js";

const PROJECT = "fresh_sources";

let airflow: AirflowHome;

beforeAll(async () => {
  airflow = await createAirflowHome();
});

afterAll(() => airflow?.cleanup());

describe("dbt source freshness as tasks", () => {
  // One `dags test` of six dbt tasks: a minute or two on an idle machine, much more on a shared one.
  it("fails the stale source's task and skips its model; warns only past warn_after", { timeout: 1_800_000 }, async () => {
    const project = join(airflow.home, PROJECT);
    copyDbtProject(join(DBT_FIXTURES, PROJECT), project);
    const database = join(airflow.home, "warehouse.duckdb");
    const env = { ...airflow.env, FLOE_DUCKDB_PATH: database };
    await run(airflow.python, [join(project, "load_sources.py"), database], { env });
    await floeGenerate(join(DBT_FIXTURES, PROJECT, "compiled_artifacts.json"), airflow.dags, project);
    const report = await loadDagBag(airflow, airflow.dags);
    expect(report.import_errors).toEqual({});
    const tasks = report.dags[PROJECT]!.tasks;
    expect(tasks.fresh_totals!.upstream).toEqual(["freshness__raw__fresh_orders"]);
    expect(tasks.stale_totals!.upstream).toEqual(["freshness__raw__stale_orders"]);
    expect(tasks.freshness__raw__stale_orders!.retries).toBe(0);
    // Each model task declares the source it reads as an Airflow Asset (its inlets).
    const inletsScript = [
      "import json, sys",
      "from airflow.dag_processing.dagbag import DagBag",
      "dag = DagBag(sys.argv[1]).dags[sys.argv[2]]",
      "print(json.dumps({t.task_id: [[a.name, a.uri, a.group] for a in t.inlets] for t in dag.tasks if t.inlets}))",
    ].join("\n");
    const inlets = JSON.parse(
      (await run(airflow.python, ["-c", inletsScript, airflow.dags, PROJECT], { env })).stdout.trim().split("\n").pop()!,
    );
    expect(inlets).toEqual({
      fresh_totals: [["source.fresh_sources.raw.fresh_orders", "dbt-source://fresh_sources/raw/fresh_orders", "dbt_source"]],
      late_totals: [["source.fresh_sources.raw.late_orders", "dbt-source://fresh_sources/raw/late_orders", "dbt_source"]],
      stale_totals: [["source.fresh_sources.raw.stale_orders", "dbt-source://fresh_sources/raw/stale_orders", "dbt_source"]],
    });

    const result = await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", PROJECT], {
      env,
      timeoutMs: 900_000,
      allowFailure: true,
    });
    expect(await taskStates(airflow, PROJECT)).toEqual({
      freshness__raw__fresh_orders: "success",
      freshness__raw__late_orders: "success",
      freshness__raw__stale_orders: "failed",
      fresh_totals: "success",
      late_totals: "success",
      stale_totals: "upstream_failed",
    });
    // dbt's own verdicts, in the task logs dags test prints.
    const log = result.stdout + result.stderr;
    expect(log).toMatch(/WARN freshness of raw\.late_orders/);
    expect(log).toMatch(/ERROR STALE freshness of raw\.stale_orders/);
  });
});
