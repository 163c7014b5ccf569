// Snapshots and selection on a dbt project beyond the example (test/fixtures/dbt/jaffle_snapshots:
// jaffle_shop plus a timestamp and a check snapshot, a model reading a snapshot, and a relationships
// test that reads two models). `dbt build` into one DuckDB file is the reference; the generated code
// location, run by `dagster asset materialize --select '*'`, must leave the same relations, row counts
// and contents in another, in manifest mode (@dbt_assets) and in per-transform mode (no unique_id).
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DBT_FIXTURES,
  INSPECT_PY,
  copyDbtFixture,
  dagsterDefinitionsFile,
  dagsterTarget,
  floeGenerate,
  makeWorkspace,
  mustSucceed,
  python,
  readRelations,
  run,
  type Relations,
  type Workspace,
} from "./tools.js";

const PROJECT = "jaffle_snapshots";
const ARTIFACTS = join(DBT_FIXTURES, PROJECT, "compiled_artifacts.json");

interface Inspected {
  assets: Record<string, { deps: string[] }>;
  checks: string[];
}

interface Setup {
  ws: Workspace;
  project: string;
  reference: Relations;
  tests: string[];
  manifest: Manifest;
}

/** A copy of the project, parsed, and what plain `dbt build` makes of it in a DuckDB file of its own. */
function setUp(prefix: string): Setup {
  const ws = makeWorkspace(prefix);
  const project = join(ws.dir, PROJECT);
  copyDbtFixture(PROJECT, project);
  const reference = join(ws.dir, "reference.duckdb");
  const dbt = (args: string[], env: NodeJS.ProcessEnv = ws.env) =>
    mustSucceed(
      run({ ...ws, env }, "dbt", [...args, "--project-dir", project, "--profiles-dir", project, "--quiet"], { cwd: project }),
      `dbt ${args[0]}`,
    );
  dbt(["build", "--target-path", join(ws.dir, "reference-target")], { ...ws.env, FLOE_DUCKDB_PATH: reference });
  dbt(["parse"]);
  const manifest = JSON.parse(readFileSync(join(project, "target", "manifest.json"), "utf8")) as Manifest;
  const tests = Object.entries(manifest.nodes)
    .filter(([, n]) => n.resource_type === "test")
    .map(([id]) => id)
    .sort();
  return { ws, project, reference: readRelations(ws, reference), tests, manifest };
}

interface Manifest {
  nodes: Record<string, { resource_type: string; depends_on: { nodes?: string[] } }>;
}

/**
 * The tests a per-node `dbt build --select <node> --indirect-selection buildable` ever runs: a test
 * runs in the step of one of its parents only when every other parent is upstream of that one. A
 * test reading two models on separate branches (relationships orders -> customers) runs in no step:
 * a known gap of running dbt node by node (the Airflow plugin has it too), left for a later change.
 */
function testsRunNodeByNode(manifest: Manifest, tests: string[]): string[] {
  const parentsOf = (id: string) => manifest.nodes[id]?.depends_on.nodes ?? [];
  const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
    for (const parent of parentsOf(id)) if (!seen.has(parent)) ancestors(parent, seen.add(parent));
    return seen;
  };
  return tests.filter((test) => {
    const parents = parentsOf(test);
    return parents.some((p) => parents.every((q) => q === p || ancestors(p).has(q)));
  });
}

function generateAndMaterialize(setup: Setup, artifactsFile: string) {
  const { ws, project } = setup;
  const out = join(ws.dir, "out");
  floeGenerate(ws, artifactsFile, out, project);
  const definitions = dagsterDefinitionsFile(out);
  const inspected = JSON.parse(mustSucceed(python(ws, [INSPECT_PY, out]), "inspect").stdout) as Inspected;
  const materialize = run(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)]);
  return { definitions, inspected, materialize, relations: readRelations(ws, ws.env.FLOE_DUCKDB_PATH as string) };
}

/** Test unique_ids that passed in the run_results.json of every dbt invocation under the project's target/. */
function passedTests(project: string): string[] {
  const passed = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === "run_results.json") {
        const results = JSON.parse(readFileSync(path, "utf8")) as { results: Array<{ unique_id: string; status: string }> };
        for (const r of results.results) if (r.unique_id.startsWith("test.") && r.status === "pass") passed.add(r.unique_id);
      }
    }
  };
  if (existsSync(join(project, "target"))) walk(join(project, "target"));
  return [...passed].sort();
}

const SNAPSHOT_TABLES = ["snapshots.customers_snapshot", "snapshots.orders_snapshot"];

describe("jaffle_snapshots in manifest mode (@dbt_assets)", () => {
  let setup: Setup;
  let outcome: ReturnType<typeof generateAndMaterialize>;

  beforeAll(() => {
    setup = setUp("floe-dagster-snapshots-");
    outcome = generateAndMaterialize(setup, ARTIFACTS);
  });

  it("declares the snapshots as assets, upstream of the model that reads one", () => {
    expect(outcome.inspected.assets['["customers_snapshot"]']?.deps).toEqual(['["stg_customers"]']);
    expect(outcome.inspected.assets['["orders_snapshot"]']?.deps).toEqual(['["stg_orders"]']);
    expect(outcome.inspected.assets['["customer_history"]']?.deps).toEqual(['["customers_snapshot"]']);
  });

  it("materializes everything `dbt build` builds: same relations, rows and contents, snapshots included", () => {
    expect(outcome.materialize.status, outcome.materialize.stderr.slice(-3000)).toBe(0);
    for (const table of SNAPSHOT_TABLES) expect(setup.reference[table]?.rows, table).toBeGreaterThan(0);
    expect(outcome.relations).toEqual(setup.reference);
  });

  it("runs every dbt test of the project as an asset check", () => {
    expect(outcome.inspected.checks).toHaveLength(setup.tests.length);
    expect(passedTests(setup.project)).toEqual(setup.tests);
  });
});

describe("jaffle_snapshots in per-transform mode (artifacts without unique_id)", () => {
  let setup: Setup;
  let outcome: ReturnType<typeof generateAndMaterialize>;

  beforeAll(() => {
    setup = setUp("floe-dagster-snapshots-pt-");
    const artifacts = JSON.parse(readFileSync(ARTIFACTS, "utf8")) as { transforms: { models: Array<Record<string, unknown>> } };
    for (const model of artifacts.transforms.models) delete model.unique_id;
    const file = join(setup.ws.dir, "artifacts-without-ids.json");
    writeFileSync(file, JSON.stringify(artifacts, null, 2));
    outcome = generateAndMaterialize(setup, file);
  });

  it("declares one asset per transform, snapshots included", () => {
    expect(readFileSync(outcome.definitions, "utf8")).not.toContain("dbt_assets");
    expect(outcome.inspected.assets['["customer_history"]']?.deps).toEqual(['["customers_snapshot"]']);
    expect(Object.keys(outcome.inspected.assets)).toHaveLength(12);
  });

  it("materializes everything `dbt build` builds: a test waits until every model it reads exists", () => {
    // Without buildable indirect selection, `dbt build --select customers` runs the relationships
    // test orders -> customers before orders exists ("Table with name orders does not exist").
    expect(outcome.materialize.status, outcome.materialize.stderr.slice(-3000)).toBe(0);
    expect(outcome.relations).toEqual(setup.reference);
  });

  it("runs every dbt test whose models one step has built, each passing; none before its models exist", () => {
    const runnable = testsRunNodeByNode(setup.manifest, setup.tests);
    expect(passedTests(setup.project)).toEqual(runnable);
    // The known gap, pinned: only the test reading two unrelated models is never run.
    expect(setup.tests.filter((t) => !runnable.includes(t)).map((t) => t.split(".")[2])).toEqual([
      "relationships_orders_customer_id__customer_id__ref_customers_",
    ]);
  });
});
