// ruff over the Python floe generates and the Python its tests run: `floe generate` for both orchestrators, for the
// bundled example and for a real dbt manifest of the corpus, plus the golden files and the repository's Python
// helper scripts (python/floe-runtime has its own, stricter ruff run in its check.sh). One ruff run for all of it,
// with test/lint/ruff-generated.toml. `ruff format --check` is not applied: generated files keep data literals on
// one line on purpose (see that file).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { ROOT, floe, tempDir } from "../hardening/support.js";

const CONFIG = join(ROOT, "test", "lint", "ruff-generated.toml");
const MANIFEST = join(ROOT, "test", "corpus", "manifests", "duckdb-v12-dbt1.11", "manifest.json");
const dir = tempDir("ruff");
let ruff = "";

function generate(artifacts: string, project: string, name: string): string[] {
  const outs: string[] = [];
  for (const orchestrator of ["dagster", "airflow"]) {
    const out = join(dir, name, orchestrator);
    const result = floe(["generate", artifacts, "--orchestrator", orchestrator, "--out", out, "--dbt-project", project]);
    if (result.status !== 0) throw new Error(`${name} ${orchestrator}: generate exit ${result.status}: ${result.stderr}`);
    outs.push(out);
  }
  return outs;
}

const outputs: string[] = [];

beforeAll(() => {
  const venv = execFileSync(join(ROOT, "scripts", "python-env.sh"), ["floe-runtime"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  ruff = join(venv, "bin", "ruff");
  outputs.push(
    ...generate(join(ROOT, "examples", "jaffle_shop", "compiled_artifacts.json"), join(ROOT, "examples", "jaffle_shop"), "example"),
  );
  // A corpus manifest: from-dbt, then generate against a project dir holding it (no warehouse is contacted).
  const project = join(dir, "corpus-project");
  mkdirSync(join(project, "target"), { recursive: true });
  copyFileSync(MANIFEST, join(project, "target", "manifest.json"));
  writeFileSync(join(project, "dbt_project.yml"), 'name: jaffle_shop\nversion: "1.0.0"\nconfig-version: 2\nprofile: jaffle_shop\n');
  const artifacts = join(dir, "corpus-artifacts.json");
  const fromDbt = floe([
    "artifacts",
    "from-dbt",
    join(project, "target", "manifest.json"),
    "--product",
    "corpus_duckdb",
    "--out",
    artifacts,
  ]);
  if (fromDbt.status !== 0) throw new Error(`from-dbt exit ${fromDbt.status}: ${fromDbt.stderr}`);
  outputs.push(...generate(artifacts, project, "corpus"));
});

it("generated Dagster and Airflow Python, golden files and test helpers pass ruff check", () => {
  for (const out of outputs)
    expect(
      // Dagster's Python is in its package (floe_<product>/), Airflow's at the top: ruff walks both.
      readdirSync(out, { recursive: true }).some((f) => String(f).endsWith(".py")),
      `${out} holds Python`,
    ).toBe(true);
  const targets = [...outputs, join(ROOT, "packages"), join(ROOT, "test"), join(ROOT, "bench")];
  const result = spawnSync(ruff, ["check", "--no-cache", "--config", CONFIG, "--output-format", "concise", ...targets], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(result.stdout + result.stderr, "ruff check").toContain("All checks passed!");
  expect(result.status).toBe(0);
});

it("the ruff check fails on a generated-file defect (an unused import, an undefined name)", () => {
  const bad = join(dir, "bad.py");
  writeFileSync(bad, "import os\n\nprint(undefined_name)\n");
  const result = spawnSync(ruff, ["check", "--no-cache", "--config", CONFIG, "--output-format", "concise", bad], { encoding: "utf8" });
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/F401/);
  expect(result.stdout).toMatch(/F821/);
});
