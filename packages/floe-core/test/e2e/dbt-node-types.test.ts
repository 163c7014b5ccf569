// Every dbt resource type in a real manifest (dbt 1.11, test/fixtures/dbt-node-types) is a transform,
// run with one, or reported by `floe artifacts from-dbt`; --strict refuses the rest. Each transform name,
// versioned models included, selects exactly its own node in the real dbt's `--select`.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const FLOE = join(ROOT, "packages", "floe-core", "bin", "floe.js");
const FIXTURE = join(import.meta.dirname, "..", "fixtures", "dbt-node-types");

interface Model {
  name: string;
  unique_id: string;
  materialization: string | null;
  depends_on: string[];
  alias?: string;
  sources?: Array<Record<string, string>>;
}

let dir: string;
let project: string;
let python: string;
let env: NodeJS.ProcessEnv;
let manifest: { nodes: Record<string, { resource_type: string }>; unit_tests: Record<string, unknown> };

function floe(args: string[]) {
  return spawnSync(process.execPath, [FLOE, ...args], { cwd: dir, env, encoding: "utf8" });
}

beforeAll(() => {
  const venv = execFileSync(join(ROOT, "scripts", "python-env.sh"), ["dagster"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  python = join(venv, "bin", "python");
  dir = mkdtempSync(join(tmpdir(), "floe-dbt-node-types-"));
  project = join(dir, "project");
  cpSync(FIXTURE, project, { recursive: true });
  env = { ...process.env, FLOE_DUCKDB_PATH: join(dir, "warehouse.duckdb"), DBT_SEND_ANONYMOUS_USAGE_STATS: "false" };
  const parse = spawnSync(join(venv, "bin", "dbt"), ["parse", "--quiet", "--project-dir", project, "--profiles-dir", project], {
    cwd: project,
    env,
    encoding: "utf8",
  });
  if (parse.status !== 0) throw new Error(`dbt parse failed:\n${parse.stdout}\n${parse.stderr}`);
  manifest = JSON.parse(readFileSync(join(project, "target", "manifest.json"), "utf8"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("floe artifacts from-dbt on every dbt resource type (real dbt 1.11 manifest)", () => {
  let models: Model[];
  let stderr: string;

  beforeAll(() => {
    const result = floe([
      "artifacts",
      "from-dbt",
      join(project, "target", "manifest.json"),
      "--product",
      "node_types",
      "--out",
      "artifacts.json",
    ]);
    expect(result.status, result.stderr).toBe(0);
    stderr = result.stderr;
    models = (JSON.parse(readFileSync(join(dir, "artifacts.json"), "utf8")) as { transforms: { models: Model[] } }).transforms.models;
  });

  it("keeps seeds, snapshots and (versioned) models as transforms, with the snapshot's dependants depending on it", () => {
    const byName = new Map(models.map((m) => [m.name, m]));
    expect([...byName.keys()].sort()).toEqual([
      "dim_people.v1",
      "dim_people.v2",
      "from_snapshot",
      "people_snapshot",
      "raw_people",
      "uses_v2",
    ]);
    expect(byName.get("people_snapshot")).toMatchObject({ materialization: "snapshot", unique_id: "snapshot.node_types.people_snapshot" });
    expect(byName.get("from_snapshot")!.depends_on).toEqual(["people_snapshot"]);
    expect(byName.get("uses_v2")!.depends_on).toEqual(["dim_people.v2"]);
    expect(byName.get("dim_people.v2")).toMatchObject({ unique_id: "model.node_types.dim_people.v2", alias: "dim_people_v2" });
    // The source is the upstream end: read by the snapshot, and by from_snapshot through the ephemeral model.
    for (const name of ["people_snapshot", "from_snapshot"]) {
      expect(byName.get(name)!.sources, name).toEqual([
        expect.objectContaining({ unique_id: "source.node_types.crm.people", schema: "main", identifier: "raw_people" }),
      ]);
    }
  });

  it("reports the tests it runs and each kind it does not orchestrate on stderr", () => {
    const dataTests = Object.values(manifest.nodes).filter((n) => n.resource_type === "test").length;
    const unitTests = Object.keys(manifest.unit_tests).length;
    expect(dataTests).toBeGreaterThan(0);
    expect(unitTests).toBeGreaterThan(0);
    const lines = stderr.trim().split("\n");
    expect(lines).toEqual([
      `floe: tests: ${dataTests} data tests and ${unitTests} unit test run with the models they test (dbt build)`,
      expect.stringMatching(/^floe: not orchestrated: 1 ephemeral model \(people_eph\): /),
      expect.stringMatching(/^floe: not orchestrated: 1 disabled node \(off\): /),
      expect.stringMatching(/^floe: not orchestrated: 1 analysis \(adhoc\): /),
      expect.stringMatching(/^floe: not orchestrated: 1 operation \(node_types-on-run-start-0\): /),
      expect.stringMatching(/^floe: not orchestrated: 1 exposure \(people_dashboard\): /),
      "wrote artifacts.json (6 transforms)",
    ]);
  });

  it("--strict refuses with exit 2 and one line naming the first resource, writing nothing", () => {
    const result = floe([
      "artifacts",
      "from-dbt",
      join(project, "target", "manifest.json"),
      "--product",
      "node_types",
      "--out",
      "strict.json",
      "--strict",
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^floe: FLOE_MANIFEST_NOT_ORCHESTRATED at nodes\["model\.node_types\.people_eph"\]: --strict: .*1 ephemeral model, 1 disabled node, 1 analysis, 1 operation, 1 exposure \(hint: [^\n]*\)\n$/,
    );
    expect(existsSync(join(dir, "strict.json"))).toBe(false);
  });

  it("each transform name selects exactly its own node in dbt's --select, versioned models included", () => {
    const out = join(dir, "picked.json");
    execFileSync(python, [join(import.meta.dirname, "dbt_select_each.py"), project, out, ...models.map((m) => m.name)], {
      cwd: project,
      env,
      stdio: "ignore",
    });
    const picked = JSON.parse(readFileSync(out, "utf8")) as Record<string, string[]>;
    for (const m of models) expect(picked[m.name], m.name).toEqual([m.unique_id]);
  });
});
