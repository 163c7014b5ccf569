/**
 * Partitions and backfills (orchestration.partitioning) on Airflow: test/fixtures/dbt/partitioned_events
 * has an incremental model (delete+insert on event_id) whose rows carry the window passed as dbt vars.
 * The generated DAG has a daily data-interval timetable; three `airflow dags test` runs with explicit
 * logical dates stand for a 3-day backfill (`airflow backfill create` only queues runs for a running
 * scheduler; `dags test` runs the same DAG run with the data interval the timetable infers for the
 * date), then the middle day is run again. The table must hold exactly those three days, once each,
 * each row with its own day's window, and the DAG runs must carry those intervals.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DBT_FIXTURES, copyDbtProject } from "floe-test-utils/dbt-project";
import { createAirflowHome, floeGenerate, run, type AirflowHome } from "./airflow-env.js";

const PROJECT = "partitioned_events";

let airflow: AirflowHome;

beforeAll(async () => {
  airflow = await createAirflowHome();
});

afterAll(() => airflow?.cleanup());

describe("daily partitions as data intervals", () => {
  // Four `dags test` runs: a minute or two on an idle machine, many more when the machine is shared.
  it("a 3-day backfill loads those 3 days once; rerunning a day adds no duplicates", { timeout: 1_800_000 }, async () => {
    const project = join(airflow.home, PROJECT);
    copyDbtProject(join(DBT_FIXTURES, PROJECT), project);
    const database = join(airflow.home, "warehouse.duckdb");
    const env = { ...airflow.env, FLOE_DUCKDB_PATH: database };
    await floeGenerate(join(DBT_FIXTURES, PROJECT, "compiled_artifacts.json"), airflow.dags, project);
    // The interval the daily timetable infers for a run at midnight is the day before it.
    for (const runAfter of ["2026-01-02", "2026-01-03", "2026-01-04", "2026-01-03"]) {
      await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", PROJECT, runAfter], { env, timeoutMs: 900_000 });
    }

    const script = [
      "import json, sqlite3, sys",
      "con = sqlite3.connect(sys.argv[1])",
      'runs = con.execute("select data_interval_start, data_interval_end, state from dag_run where dag_id = ? order by data_interval_start", (sys.argv[2],)).fetchall()',
      "print(json.dumps([[str(a)[:10], str(b)[:10], s] for a, b, s in runs]))",
    ].join("\n");
    const dagRuns = JSON.parse(
      (await run(airflow.python, ["-c", script, join(airflow.home, "airflow.db"), PROJECT], { env })).stdout.trim().split("\n").pop()!,
    );
    // dags test reuses the run of a logical date it ran before, so the rerun is the same run, cleared and run again.
    expect(dagRuns).toEqual([
      ["2026-01-01", "2026-01-02", "success"],
      ["2026-01-02", "2026-01-03", "success"],
      ["2026-01-03", "2026-01-04", "success"],
    ]);

    const { stdout } = await run(airflow.python, [join(DBT_FIXTURES, PROJECT, "window_rows.py"), database], { env });
    const rows = JSON.parse(stdout.trim().split("\n").pop()!) as unknown[][];
    const day = (d: string) => `2026-01-0${d} 00:00:00`;
    expect(rows).toEqual([
      [1, "2026-01-01 06:00:00", day("1"), day("2")],
      [2, "2026-01-01 18:30:00", day("1"), day("2")],
      [3, "2026-01-02 00:00:00", day("2"), day("3")],
      [4, "2026-01-02 23:59:59", day("2"), day("3")],
      [5, "2026-01-03 12:00:00", day("3"), day("4")],
      [6, "2026-01-03 13:00:00", day("3"), day("4")],
    ]);
  });
});
