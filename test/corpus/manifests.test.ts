// Real dbt manifests of schema v7 to v12 (test/corpus/manifests, see its README): each parses,
// `floe artifacts from-dbt` succeeds, `floe generate` succeeds for both orchestrators, the Airflow DagBag
// holds every DAG with zero import errors and `dagster definitions validate` passes for every code location.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dagsterDefinitionsModule } from "floe-test-utils/dagster-output";
import { dagsterEnv, loadDagBag } from "./harness.js";
import { ROOT, floe, tempDir } from "../hardening/support.js";

const CORPUS = join(ROOT, "test", "corpus", "manifests");
const NAMES = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Manifest {
  metadata: { dbt_schema_version: string; project_name?: string; adapter_type?: string };
  nodes: Record<string, { resource_type: string; package_name: string; config?: { enabled?: boolean; materialized?: string } }>;
}

interface Case {
  name: string;
  manifest: Manifest;
  project: string;
  artifacts: string;
  stderr: string;
  transforms: Array<{ name: string; unique_id: string; materialization: string | null }>;
}

const dir = tempDir("manifests");
const cases: Case[] = [];

/** The project name dbt would write: metadata.project_name (v8+), else the package most models belong to. */
function projectName(manifest: Manifest): string {
  if (manifest.metadata.project_name) return manifest.metadata.project_name;
  const counts = new Map<string, number>();
  for (const n of Object.values(manifest.nodes))
    if (n.resource_type === "model") counts.set(n.package_name, (counts.get(n.package_name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

beforeAll(() => {
  for (const name of NAMES) {
    const manifest = JSON.parse(readFileSync(join(CORPUS, name, "manifest.json"), "utf8")) as Manifest;
    // What dagster-dbt needs around a manifest (see the corpus README): no warehouse is contacted.
    const project = join(dir, name, "project");
    mkdirSync(join(project, "target"), { recursive: true });
    copyFileSync(join(CORPUS, name, "manifest.json"), join(project, "target", "manifest.json"));
    const dbtProject = projectName(manifest);
    writeFileSync(join(project, "dbt_project.yml"), `name: ${dbtProject}\nversion: "1.0.0"\nconfig-version: 2\nprofile: ${dbtProject}\n`);
    writeFileSync(join(project, "profiles.yml"), `${dbtProject}:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ":memory:"}\n`);
    const artifacts = join(dir, name, "artifacts.json");
    const product = `corpus_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
    const result = floe(["artifacts", "from-dbt", join(project, "target", "manifest.json"), "--product", product, "--out", artifacts]);
    if (result.status !== 0) throw new Error(`${name}: from-dbt exit ${result.status}: ${result.stderr}`);
    const transforms = (JSON.parse(readFileSync(artifacts, "utf8")) as { transforms: { models: Case["transforms"] } }).transforms.models;
    cases.push({ name, manifest, project, artifacts, stderr: result.stderr, transforms });
  }
});

describe("real dbt manifests v7 to v12", () => {
  it("hold at least five schema versions and two adapters", () => {
    const versions = new Set(cases.map((c) => /\/v(\d+)\.json$/.exec(c.manifest.metadata.dbt_schema_version)![1]));
    expect(versions.size).toBeGreaterThanOrEqual(5);
    expect(new Set(cases.map((c) => c.manifest.metadata.adapter_type)).size).toBeGreaterThanOrEqual(2);
  });

  it("from-dbt keeps every enabled model (ephemeral aside), seed and snapshot, and reports on stderr what it does not orchestrate", () => {
    for (const c of cases) {
      const expected = Object.entries(c.manifest.nodes)
        .filter(
          ([, n]) =>
            ["model", "seed", "snapshot"].includes(n.resource_type) &&
            n.config?.enabled !== false &&
            n.config?.materialized !== "ephemeral",
        )
        .map(([id]) => id)
        .sort();
      expect(c.transforms.map((t) => t.unique_id).sort(), c.name).toEqual(expected);
      const tests = Object.values(c.manifest.nodes).filter((n) => n.resource_type === "test").length;
      if (tests > 0) expect(c.stderr, c.name).toMatch(new RegExp(`^floe: tests: ${tests} data tests`, "m"));
      const hooks = Object.values(c.manifest.nodes).filter((n) => n.resource_type === "operation").length;
      if (hooks > 0) expect(c.stderr, c.name).toMatch(new RegExp(`^floe: not orchestrated: ${hooks} operations? `, "m"));
      expect(c.stderr, c.name).toMatch(/^wrote .* \(\d+ transforms\)$/m);
    }
  });

  it("generate for Airflow: every DAG in one DagBag with zero import errors", () => {
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    for (const c of cases) {
      const out = join(dir, c.name, "airflow");
      const result = floe(["generate", c.artifacts, "--orchestrator", "airflow", "--out", out, "--dbt-project", c.project]);
      expect(result.status, `${c.name}: ${result.stderr}`).toBe(0);
      for (const file of readdirSync(out).filter((f) => f.endsWith(".py"))) cpSync(join(out, file), join(dags, file));
    }
    const { errors, tasks } = loadDagBag(dags, dir);
    expect(errors).toEqual({});
    // A task per model plus build mode's (the default) one dbt_build task.
    expect(tasks).toEqual(
      Object.fromEntries(cases.map((c) => [`corpus_${c.name.replace(/[^A-Za-z0-9]/g, "_")}`, c.transforms.length + 1])),
    );
  });

  it("generate for Dagster: every code location passes `dagster definitions validate`", () => {
    const locations: string[] = [];
    for (const c of cases) {
      const out = join(dir, c.name, "dagster");
      const result = floe(["generate", c.artifacts, "--orchestrator", "dagster", "--out", out, "--dbt-project", c.project]);
      expect(result.status, `${c.name}: ${result.stderr}`).toBe(0);
      // Each product's own package (floe_<product>.definitions) from its own output directory.
      locations.push(
        `  - python_module:\n      module_name: ${JSON.stringify(dagsterDefinitionsModule(out))}\n      working_directory: ${JSON.stringify(out)}\n      location_name: ${JSON.stringify(c.name)}\n`,
      );
    }
    // One workspace, one command: each code location still loads in its own process.
    const workspace = join(dir, "workspace.yaml");
    writeFileSync(workspace, `load_from:\n${locations.join("")}`);
    const { bin, env } = dagsterEnv(dir);
    const result = spawnSync(join(bin, "dagster"), ["definitions", "validate", "-w", workspace], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 1_200_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output.slice(-4000)).toBe(0);
    for (const c of cases) expect(output).toContain(`Validation successful for code location ${c.name}.`);
  });
});
