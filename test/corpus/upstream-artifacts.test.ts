// Upstream floe's golden CompiledArtifacts (test/corpus/upstream-floe, see NOTICE.md): `floe generate`
// writes output for both orchestrators, and the real orchestrators load it (Dagster `definitions
// validate`, Airflow DagBag with zero import errors).
//
// They are not run: their models (`customers`, `orders` → `customers`) belong to no upstream dbt
// project — upstream's demo projects (customer-360, financial-risk, iot-telemetry) name other models —
// and the documents name no dbt project, so there is nothing real for dbt to build from them.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS, ROOT, airflowEnv, pythonVenvs, run, type RunResult, type Venvs } from "./harness.js";

const GOLDEN_DIR = join(CORPUS, "upstream-floe");
const GOLDENS = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith(".json")).sort();
const FLOE = join(ROOT, "packages", "floe-core", "bin", "floe.js");
const DAGBAG_PY = join(ROOT, "packages", "floe-orchestrator-airflow", "test", "e2e", "dagbag-report.py");

let venvs: Venvs;
let work: string;

beforeAll(() => {
  venvs = pythonVenvs();
  work = mkdtempSync(join(tmpdir(), "floe-upstream-golden-"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it("holds the upstream goldens of versions 0.1, 0.5, 0.6 and 0.10", () => {
  const versions = GOLDENS.map((f) => (JSON.parse(readFileSync(join(GOLDEN_DIR, f), "utf8")) as { version: string }).version);
  expect(versions.sort()).toEqual(["0.1.0", "0.10.0", "0.5.0", "0.6.0"]);
});

describe.each(GOLDENS)("upstream golden %s", (file) => {
  const generated: Record<string, RunResult> = {};
  const out = (orchestrator: string) => join(work, file.replace(/\.json$/, ""), orchestrator);

  beforeAll(async () => {
    for (const orchestrator of ["dagster", "airflow"]) {
      generated[orchestrator] = await run(process.execPath, [FLOE, "generate", join(GOLDEN_DIR, file), "--orchestrator", orchestrator, "--out", out(orchestrator)], {
        env: process.env,
        cwd: ROOT,
      });
    }
  });

  it("`floe generate --orchestrator dagster` succeeds and `dagster definitions validate` passes", async () => {
    const result = generated.dagster!;
    expect(result.code, result.stderr).toBe(0);
    const home = join(out("dagster"), "..", "dagster_home");
    mkdirSync(home, { recursive: true });
    const validate = await run(join(venvs.dagster, "bin", "dagster"), ["definitions", "validate", "-f", join(out("dagster"), "definitions.py")], {
      env: { ...process.env, DAGSTER_HOME: home, DAGSTER_DISABLE_TELEMETRY: "1" },
      cwd: work,
    });
    expect(validate.code, validate.stderr.slice(-3000)).toBe(0);
  });

  it("`floe generate --orchestrator airflow` succeeds and the DagBag imports with zero errors", async () => {
    const result = generated.airflow!;
    expect(result.code, result.stderr).toBe(0);
    const home = join(out("airflow"), "..", "airflow_home");
    const report = join(out("airflow"), "..", "dagbag.json");
    const load = await run(join(venvs.airflow, "bin", "python"), [DAGBAG_PY, out("airflow"), report], {
      env: { ...process.env, ...airflowEnv(home), AIRFLOW__CORE__DAGS_FOLDER: out("airflow") },
      cwd: work,
    });
    expect(load.code, load.stderr.slice(-3000)).toBe(0);
    const bag = JSON.parse(readFileSync(report, "utf8")) as { import_errors: Record<string, string>; dags: Record<string, unknown> };
    expect(bag.import_errors).toEqual({});
    expect(Object.keys(bag.dags).length).toBeGreaterThan(0);
  });
});
