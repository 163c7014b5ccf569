// Artifacts without models (no `transforms`, as floe's Python compiler writes for a product without dbt
// models, e.g. upstream floe's 0.1.0 golden): both orchestrators generate a loadable output that runs
// nothing, with one warning line on stderr; a schedule for that empty product is refused.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dagsterDefinitionsModule, dagsterTarget } from "floe-test-utils/dagster-output";
import { dagsterEnv, loadDagBag } from "./harness.js";
import { ROOT, baseArtifacts, floe, tempDir, treeSnapshot } from "../hardening/support.js";

const UPSTREAM_0_1 = join(ROOT, "packages", "floe-core", "test", "fixtures", "artifacts", "v0.1.0.json");

function generate(orchestrator: string, dir: string, file = UPSTREAM_0_1): string {
  const out = join(dir, orchestrator);
  const result = floe(["generate", file, "--orchestrator", orchestrator, "--out", out, "--dbt-project", dir]);
  expect(result.status, result.stderr).toBe(0);
  const lines = result.stderr.trim().split("\n");
  const noModels = lines.filter((line) =>
    /^floe: warning: the artifacts of product "[^"]+" have no models: the generated .* runs nothing$/.test(line),
  );
  expect(noModels, result.stderr).toHaveLength(1);
  // The only other line: upstream 0.1.0 names no compute, so requirements.txt cannot name a dbt adapter.
  expect(
    lines.filter((line) => !noModels.includes(line)),
    result.stderr,
  ).toEqual(["warning: requirements.txt names no dbt adapter: the artifacts name no compute; add dbt-<your warehouse> to it"]);
  return out;
}

describe("floe generate of artifacts without models", () => {
  it("dagster: exit 0, one warning, and `dagster definitions validate` passes with no assets, jobs or schedules", () => {
    const dir = tempDir("zero-models-dagster");
    // Like every generated code location, it points at the product's dbt project (here one without models).
    writeFileSync(join(dir, "dbt_project.yml"), 'name: empty\nversion: "1.0.0"\nprofile: empty\n');
    writeFileSync(join(dir, "profiles.yml"), "empty:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: empty.duckdb\n");
    const out = generate("dagster", dir);
    // As for every generated code location: the dbt project directory exists and dbt is on PATH.
    const { bin, env } = dagsterEnv(dir);
    const validate = spawnSync(join(bin, "dagster"), ["definitions", "validate", ...dagsterTarget(out)], {
      cwd: out,
      env,
      encoding: "utf8",
      timeout: 600_000,
    });
    expect(validate.status, `${validate.stdout}\n${validate.stderr}`.slice(-4000)).toBe(0);
    // The generated package's definitions module, imported from the output directory as Dagster does.
    const script = `import importlib, json, sys
sys.path.insert(0, sys.argv[1])
defs = importlib.import_module(sys.argv[3]).defs
repo = defs.get_repository_def()
json.dump({"assets": len(list(repo.asset_graph.get_all_asset_keys())), "jobs": [j for j in repo.job_names if not j.startswith("__")], "schedules": len(repo.schedule_defs)}, open(sys.argv[2], "w"))`;
    const report = join(dir, "defs.json");
    const load = spawnSync(join(bin, "python"), ["-c", script, out, report, dagsterDefinitionsModule(out)], {
      cwd: out,
      env,
      encoding: "utf8",
      timeout: 600_000,
    });
    expect(load.status, load.stderr.slice(-3000)).toBe(0);
    expect(JSON.parse(readFileSync(report, "utf8"))).toEqual({ assets: 0, jobs: [], schedules: 0 });
  });

  it("airflow: exit 0, one warning, and the product DAG loads in a DagBag with zero tasks and zero import errors", () => {
    const dir = tempDir("zero-models-airflow");
    writeFileSync(join(dir, "dbt_project.yml"), 'name: empty\nversion: "1.0.0"\nprofile: empty\n');
    const out = generate("airflow", dir);
    const { errors, tasks } = loadDagBag(out, dir);
    expect(errors).toEqual({});
    expect(Object.values(tasks)).toEqual([0]);
  });

  for (const orchestrator of ["dagster", "airflow"]) {
    it(`${orchestrator}: a schedule for a product without models is refused at orchestration.schedules[0], nothing written`, () => {
      const dir = tempDir(`zero-models-schedule-${orchestrator}`);
      const { transforms: _, ...artifacts } = baseArtifacts([], {
        orchestration: { schedules: [{ job: "p", cron: "0 6 * * *", timezone: "UTC" }] },
      });
      const file = join(dir, "artifacts.json");
      writeFileSync(file, JSON.stringify(artifacts));
      const out = join(dir, "out");
      const result = floe(["generate", file, "--orchestrator", orchestrator, "--out", out]);
      expect(result.status, result.stderr).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^floe: FLOE_ARTIFACTS_INVALID at orchestration\.schedules\[0\]: .*no models.*\(hint: /);
      expect(treeSnapshot(out)).toEqual({});
    });
  }
});
