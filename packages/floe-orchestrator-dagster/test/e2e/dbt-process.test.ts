// A step that fails or is cancelled while its dbt still runs must not leave that dbt running: the
// generated lineage module (floe_runtime) stops it (SIGINT, then SIGKILL), so it neither keeps writing to the warehouse
// nor holds DuckDB's single-writer lock after the step. Real dbt-duckdb, started by dagster-dbt's
// DbtCliResource; the failure is injected into its event reading (stop_dbt.py).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeOutputDirectory } from "floe-core";
import { DagsterPlugin } from "../../src/dagster-plugin.js";
import { copyExample, dbtParse, makeWorkspace, mustSucceed, python, type Workspace } from "./tools.js";

const STOP_DBT_PY = join(import.meta.dirname, "stop_dbt.py");
const ARTIFACTS = join(import.meta.dirname, "..", "fixtures", "floe-0.10.0-artifacts.json");

describe("a step that fails while dbt runs", () => {
  let ws: Workspace;
  let outcome: { returncode: number | null; lock: string; seconds: number };

  beforeAll(async () => {
    ws = makeWorkspace("floe-dagster-stop-dbt-");
    const project = join(ws.dir, "jaffle_shop");
    copyExample(project);
    dbtParse(ws, project);
    const location = join(ws.dir, "out");
    await writeOutputDirectory(
      location,
      new DagsterPlugin({ dbtProjectDir: project }).createDefinitions(JSON.parse(readFileSync(ARTIFACTS, "utf8"))).render(),
    );
    const result = mustSucceed(python(ws, [STOP_DBT_PY, location, project, ws.env.FLOE_DUCKDB_PATH as string]), "stop_dbt.py");
    outcome = JSON.parse(result.stdout.trim().split("\n").pop() as string) as typeof outcome;
  });

  it("has ended dbt by the time the step's error propagates", () => {
    expect(outcome.returncode, JSON.stringify(outcome)).not.toBeNull();
  });

  it("leaves the DuckDB file free for the next writer", () => {
    expect(outcome.lock).toBe("free");
  });
});
