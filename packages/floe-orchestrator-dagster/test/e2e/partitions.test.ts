// Partitions and backfills (orchestration.partitioning): test/fixtures/dbt/partitioned_events has an
// incremental model (delete+insert on event_id) whose rows carry the window the run passed as dbt vars.
// One Python process materializes the product's job for three daily partitions, as a backfill with one
// run per partition does, then reruns the middle one: the table must hold exactly the three days' events,
// once each, each tagged with its own day's window. (A daemon-driven backfill would run the same
// job.execute per partition; in-process keeps the test to one Dagster start.)
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DBT_FIXTURES, ROOT, copyDbtFixture, dbtParse, floeGenerate, makeWorkspace, mustSucceed, python } from "./tools.js";

const PROJECT = "partitioned_events";
const MATERIALIZE_PY = join(ROOT, "packages", "floe-orchestrator-dagster", "test", "e2e", "materialize_partitions.py");
const WINDOW_ROWS_PY = join(DBT_FIXTURES, PROJECT, "window_rows.py");

interface Materialized {
  runs: Array<{ partition: string; success: boolean; tags: Record<string, string> }>;
  materialized: Record<string, string[]>;
  schedules: Record<string, { cron: string; timezone: string; status: string; job: string }>;
  partitions: { class: string; timezone: string; first: string };
}

describe("daily partitions on the dbt assets", () => {
  // Four dbt runs: about a minute on an idle machine, many more when the machine is shared, hence the timeout.
  it("a 3-day backfill loads those 3 days once; rerunning a day adds no duplicates", { timeout: 1_800_000 }, () => {
    const ws = makeWorkspace("floe-dagster-partitions-");
    const project = join(ws.dir, PROJECT);
    copyDbtFixture(PROJECT, project);
    dbtParse(ws, project);
    const out = join(ws.dir, "out");
    floeGenerate(ws, join(DBT_FIXTURES, PROJECT, "compiled_artifacts.json"), out, project);
    const result = mustSucceed(
      python(ws, [MATERIALIZE_PY, out, PROJECT, "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-02"]),
      "materialize partitions",
    );
    const report = JSON.parse(result.stdout.trim().split("\n").pop()!) as Materialized;

    expect(report.partitions).toEqual({ class: "DailyPartitionsDefinition", timezone: "UTC", first: "2026-01-01" });
    expect(report.runs.map((r) => [r.partition, r.success, r.tags["dagster/partition"]])).toEqual([
      ["2026-01-01", true, "2026-01-01"],
      ["2026-01-02", true, "2026-01-02"],
      ["2026-01-03", true, "2026-01-03"],
      ["2026-01-02", true, "2026-01-02"],
    ]);
    expect(report.materialized.events_by_window).toEqual(["2026-01-01", "2026-01-02", "2026-01-02", "2026-01-03"]);
    // The product's job runs each window when it closes (no cron of its own in the artifacts).
    expect(report.schedules).toEqual({
      partitioned_events_partition_schedule: { cron: "0 0 * * *", timezone: "UTC", status: "RUNNING", job: PROJECT },
    });

    const rows = JSON.parse(mustSucceed(python(ws, [WINDOW_ROWS_PY, ws.env.FLOE_DUCKDB_PATH as string]), "read rows").stdout) as string[][];
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
