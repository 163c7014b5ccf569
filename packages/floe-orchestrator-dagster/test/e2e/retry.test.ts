// Retry only what failed, in Dagster (manifest mode, one @dbt_assets step), on test/fixtures/dbt/retry_demo:
// its artifacts come from `dbt parse` + `floe artifacts from-dbt`. A job run on a persistent DagsterInstance
// fails (flaky errors on its first attempt, bad_data's unique test fails, dbt skips after_flaky and
// after_bad); then "re-execute from failure" through Dagster's Python API (execute_job with
// ReexecutionOptions.from_failure). The retry must run only what did not succeed: the failed model and
// the models dbt skipped after it, and the failed test again; counted from the retry's dbt
// run_results.json and from Dagster's materializations. Before floe's resume selection, Dagster re-ran the
// whole dbt step: every model (dagster issues 15771, 31155).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FLOE_BIN, ROOT, copyDbtFixture, makeWorkspace, mustSucceed, python, run, type Workspace } from "./tools.js";

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

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-retry-");
    const project = join(ws.dir, "retry_demo");
    copyDbtFixture("retry_demo", project);
    // Without the models' retries: a step RetryPolicy would retry the first run itself (a retry that also
    // builds only what is left, but this test is about "re-execute from failure").
    const schema = join(project, "models", "schema.yml");
    const yml = readFileSync(schema, "utf8");
    writeFileSync(schema, yml.replace("retries: 2, retry_delay_seconds: 1, ", "").replace("floe: {retries: 3, retry_delay_seconds: 1}", "owner: floe"));
    ws.env.FLOE_FLAKY_MARKER = join(ws.dir, "flaky-marker");
    mustSucceed(run(ws, join(ws.venv, "bin", "dbt"), ["parse", "--project-dir", project, "--profiles-dir", project, "--quiet"], { cwd: project }), "dbt parse");
    const artifacts = join(ws.dir, "compiled_artifacts.json");
    mustSucceed(
      run(ws, process.execPath, [FLOE_BIN, "artifacts", "from-dbt", join(project, "target", "manifest.json"), "--product", "retry_demo", "--out", artifacts], { cwd: ROOT }),
      "floe artifacts from-dbt",
    );
    const out = join(ws.dir, "out");
    const generated = mustSucceed(
      run(ws, process.execPath, [FLOE_BIN, "generate", artifacts, "--orchestrator", "dagster", "--out", out, "--dbt-project", project], { cwd: ROOT }),
      "floe generate",
    );
    generateStderr = generated.stderr;
    definitions = join(out, "definitions.py");
    const result = mustSucceed(python(ws, [REEXECUTE_PY, definitions, "retry_demo", project]), "execute_job + re-execute from failure");
    ({ first, retry } = JSON.parse(result.stdout.trim().split("\n").pop()!) as { first: RunReport; retry: RunReport });
  });

  const models = (report: RunReport) => report.dbt_nodes.filter((n) => n.unique_id.startsWith("model.")).map((n) => n.unique_id.split(".").pop()).sort();

  it("the first run fails: flaky errors, bad_data's test fails, dbt skips their dependents", () => {
    expect(first.success).toBe(false);
    expect(models(first)).toEqual(["a", "bad_data", "flaky"]);
    expect(first.dbt_nodes.find((n) => n.unique_id === "model.retry_demo.flaky")?.status).toBe("error");
    expect(first.materialized).toEqual(["a", "bad_data"]);
    expect(first.checks).toEqual([["bad_data:unique_bad_data_id", false]]);
  });

  it("the re-execution from failure runs only the failed model, the models skipped after failures, and the failed test", () => {
    expect(retry.parent_run_id).toBe(first.run_id);
    expect(retry.tags["dagster/is_resume_retry"]).toBe("true");
    // counted from dbt's own record of the retry's invocation: 3 models and 1 test, not the 5 models of the job
    expect(models(retry)).toEqual(["after_bad", "after_flaky", "flaky"]);
    expect(retry.dbt_nodes.filter((n) => n.unique_id.startsWith("test.")).map((n) => n.unique_id)).toEqual([expect.stringMatching(/^test\.retry_demo\.unique_bad_data_id\./)]);
    expect(retry.materialized).toEqual(["after_bad", "after_flaky", "flaky"]);
    // the data is still wrong, so the failed test fails again and the retry run reports it
    expect(retry.checks).toEqual([["bad_data:unique_bad_data_id", false]]);
    expect(retry.success).toBe(false);
  });

  it("warns about the per-model settings it applies per step, or not at all", () => {
    expect(generateStderr).toContain("pool floe_retry_pool (dbt meta floe) is the pool of that whole step");
    expect(generateStderr).toContain("Dagster has no per-step timeout: timeout_seconds of flaky");
    const code = readFileSync(definitions, "utf8");
    expect(code).toContain('    dagster_dbt_translator=TRANSLATOR,\n    pool="floe_retry_pool",\n)');
    expect(code).not.toContain("RetryPolicy");
  });
});
