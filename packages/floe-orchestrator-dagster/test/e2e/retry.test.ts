// Retry only what failed, in Dagster (manifest mode, one @dbt_assets step), on test/fixtures/dbt/retry_demo:
// its artifacts come from `dbt parse` + `floe artifacts from-dbt`. A job run on a persistent DagsterInstance
// fails (flaky errors on its first attempt, bad_data's unique test fails, dbt skips after_flaky and
// after_bad); then "re-execute from failure" through Dagster's Python API (execute_job with
// ReexecutionOptions.from_failure; the Python API sets no dagster/is_resume_retry tag, the UI does). The
// retry must select only what did not succeed: the failed model, the models dbt skipped after failures,
// and the failed test; counted from the retry's dbt run_results.json and from Dagster's materializations. Before floe's resume selection, Dagster re-ran the
// whole dbt step: every model (dagster issues 15771, 31155).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FLOE_BIN,
  ROOT,
  copyDbtFixture,
  dagsterDefinitionsFile,
  floeGenerate,
  makeWorkspace,
  mustSucceed,
  python,
  run,
  type Workspace,
} from "./tools.js";

const REEXECUTE_PY = join(import.meta.dirname, "reexecute.py");

interface RunReport {
  run_id: string;
  parent_run_id: string | null;
  tags: Record<string, string>;
  success: boolean;
  materialized: string[];
  checks: Array<[string, boolean]>;
  dbt_nodes: Array<{ unique_id: string; status: string }>;
}

describe("re-execute from failure in Dagster runs only what failed (retry_demo, manifest mode)", () => {
  let ws: Workspace;
  let generateStderr: string;
  let first: RunReport;
  let retry: RunReport;
  let definitions: string;

  afterAll(() => {
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-retry-");
    const project = join(ws.dir, "retry_demo");
    copyDbtFixture("retry_demo", project);
    // Without the models' retries: a step RetryPolicy would retry the first run itself (a retry that also
    // builds only what is left, but this test is about "re-execute from failure").
    const schema = join(project, "models", "schema.yml");
    const yml = readFileSync(schema, "utf8");
    writeFileSync(
      schema,
      yml.replace("retries: 2, retry_delay_seconds: 1, ", "").replace("floe: {retries: 3, retry_delay_seconds: 1}", "owner: floe"),
    );
    ws.env.FLOE_FLAKY_MARKER = join(ws.dir, "flaky-marker");
    mustSucceed(
      run(ws, join(ws.venv, "bin", "dbt"), ["parse", "--project-dir", project, "--profiles-dir", project, "--quiet"], { cwd: project }),
      "dbt parse",
    );
    const artifacts = join(ws.dir, "compiled_artifacts.json");
    mustSucceed(
      run(
        ws,
        process.execPath,
        [FLOE_BIN, "artifacts", "from-dbt", join(project, "target", "manifest.json"), "--product", "retry_demo", "--out", artifacts],
        { cwd: ROOT },
      ),
      "floe artifacts from-dbt",
    );
    const out = join(ws.dir, "out");
    const generated = floeGenerate(ws, artifacts, out, project);
    generateStderr = generated.stderr;
    definitions = dagsterDefinitionsFile(out);
    const result = mustSucceed(python(ws, [REEXECUTE_PY, out, "retry_demo", project]), "execute_job + re-execute from failure");
    ({ first, retry } = JSON.parse(result.stdout.trim().split("\n").pop()!) as { first: RunReport; retry: RunReport });
  });

  // dbt's own record of an invocation: node (without the project prefix and test hash) -> status
  const nodes = (report: RunReport) =>
    Object.fromEntries(report.dbt_nodes.map((n) => [n.unique_id.replace(/^(\w+)\.retry_demo\.([^.]+).*$/, "$1.$2"), n.status]));

  it("the first run fails: flaky errors, bad_data's test fails, dbt skips their dependents", () => {
    expect(first.success).toBe(false);
    expect(nodes(first)).toEqual({
      "model.a": "success",
      "model.bad_data": "success",
      "model.flaky": "error",
      "test.unique_bad_data_id": "fail",
      "model.after_flaky": "skipped",
      "model.after_bad": "skipped",
    });
    expect(first.materialized).toEqual(["a", "bad_data"]);
    expect(first.checks).toEqual([["bad_data:unique_bad_data_id", false]]);
  });

  it("the re-execution from failure runs only the failed model, what dbt skipped after failures, and the failed test", () => {
    expect(retry.parent_run_id).toBe(first.run_id);
    // Counted from dbt's run_results.json of the retry: a and bad_data (built in the first run) are not
    // selected at all. The failed test runs again and fails again (the data is still wrong), so dbt skips
    // after_bad again, as `dbt build` does after a failing test; flaky and after_flaky build.
    expect(nodes(retry)).toEqual({
      "model.flaky": "success",
      "test.unique_bad_data_id": "fail",
      "model.after_flaky": "success",
      "model.after_bad": "skipped",
    });
    expect(retry.dbt_nodes.filter((n) => n.status !== "skipped")).toHaveLength(3);
    expect(retry.materialized).toEqual(["after_flaky", "flaky"]);
    expect(retry.checks).toEqual([["bad_data:unique_bad_data_id", false]]);
    expect(retry.success).toBe(false);
  });

  it("warns about the per-model settings it applies per step, or not at all", () => {
    expect(generateStderr).toContain("pool floe_retry_pool (dbt meta floe) is the pool of that whole step");
    expect(generateStderr).toContain("Dagster has no per-step timeout: timeout_seconds of flaky");
    const code = readFileSync(definitions, "utf8");
    expect(code).toContain('    dagster_dbt_translator=TRANSLATOR,\n    pool="floe_retry_pool",\n)');
    expect(code).not.toContain("retry_policy=");
  });
});
