// Asset identity in manifest mode (@dbt_assets): Dagster's asset graph must hold exactly the
// dependencies dbt knows. Cross-checked against dagster-dbt's own minimal @dbt_assets on the same
// manifest (compare_dagster_dbt.py), keyed by dbt unique_id; the documented differences are asserted:
// 1. keys: floe keys every model, seed and snapshot by its name alone (unique within a product: from-dbt
//    refuses two nodes of one name); dagster-dbt prefixes a configured schema ([schema, name]).
// 2. a source naming the table a seed writes (test/fixtures/dbt/claims_clash: seed raw_claims in schema
//    raw, source raw.raw_claims): dagster-dbt refuses the project at load (both keyed [raw, raw_claims]);
//    floe loads it, and does not let Dagster tie the source to the seed by table name (an edge dbt does
//    not have, which made every run fail with "stg_claims was yielded before its dependency raw_claims").
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DBT_FIXTURES,
  FLOE_BIN,
  ROOT,
  copyDbtFixture,
  dagsterTarget,
  dbtParse,
  floeGenerate,
  makeWorkspace,
  mustSucceed,
  python,
  readRelations,
  run,
  type Relations,
  type Workspace,
} from "./tools.js";

const COMPARE_PY = join(import.meta.dirname, "compare_dagster_dbt.py");

interface GraphEntry {
  key: string[];
  deps: string[];
  checks: string[];
}
type Graph = Record<string, GraphEntry>;

interface ManifestNode {
  resource_type: string;
  name: string;
  source_name?: string;
  config: { schema?: string | null; materialized?: string };
  depends_on: { nodes?: string[] }; // seeds list only macros
  attached_node?: string | null;
}
interface Manifest {
  nodes: Record<string, ManifestNode>;
  sources: Record<string, ManifestNode>;
}

interface Loaded {
  ws: Workspace;
  project: string;
  manifest: Manifest;
  /** The generated output directory (the package floe_<product>/ and workspace.yaml). */
  out: string;
  floe: Graph;
  plain: Graph | { error: string };
}

/**
 * Copies a fixture project, parses it, generates its code location and compares the graphs. The
 * artifacts are the project's committed compiled_artifacts.json when it has one (jaffle_snapshots: it
 * holds the snapshots, which this floe-core's from-dbt does not map yet), else `floe artifacts from-dbt`'s.
 */
function load(name: string): Loaded {
  const ws = makeWorkspace(`floe-dagster-identity-${name}-`);
  const project = join(ws.dir, name);
  copyDbtFixture(name, project);
  dbtParse(ws, project);
  const manifestFile = join(project, "target", "manifest.json");
  let artifacts = join(DBT_FIXTURES, name, "compiled_artifacts.json");
  if (!existsSync(artifacts)) {
    artifacts = join(ws.dir, "compiled_artifacts.json");
    mustSucceed(
      run(ws, process.execPath, [FLOE_BIN, "artifacts", "from-dbt", manifestFile, "--product", name, "--out", artifacts], { cwd: ROOT }),
      "from-dbt",
    );
  }
  const out = join(ws.dir, "out");
  floeGenerate(ws, artifacts, out, project);
  const compared = JSON.parse(mustSucceed(python(ws, [COMPARE_PY, out, manifestFile]), "compare").stdout) as {
    floe: Graph;
    plain: Graph | { error: string };
  };
  return { ws, project, manifest: JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest, out, ...compared };
}

/** What dbt itself knows: each built node's parents (sources as dagster-dbt's external keys, ephemeral models folded), and its tests. */
function dbtGraph(manifest: Manifest): Record<string, { deps: string[]; checks: string[] }> {
  const built = (n: ManifestNode) => ["model", "seed", "snapshot"].includes(n.resource_type) && n.config.materialized !== "ephemeral";
  const graph: Record<string, { deps: string[]; checks: string[] }> = {};
  for (const [id, node] of Object.entries(manifest.nodes)) {
    if (!built(node)) continue;
    // An ephemeral model is inlined into its dependants: its parents are theirs.
    const parents = (id: string): string[] => {
      const parent = manifest.nodes[id];
      return parent && parent.config.materialized === "ephemeral" ? (parent.depends_on.nodes ?? []).flatMap(parents) : [id];
    };
    const deps = (node.depends_on.nodes ?? []).flatMap(parents).map((dep) => {
      const source = manifest.sources[dep];
      return source ? `external:${JSON.stringify([source.source_name, source.name])}` : dep;
    });
    graph[id] = { deps: [...new Set(deps)].sort(), checks: [] };
  }
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type === "test" && node.attached_node && graph[node.attached_node]) graph[node.attached_node]!.checks.push(node.name);
  }
  for (const entry of Object.values(graph)) entry.checks.sort();
  return graph;
}

const withoutKeys = (graph: Graph) => Object.fromEntries(Object.entries(graph).map(([id, { deps, checks }]) => [id, { deps, checks }]));

describe("jaffle_snapshots: floe's asset graph against dagster-dbt's own @dbt_assets", () => {
  let loaded: Loaded;

  beforeAll(() => {
    loaded = load("jaffle_snapshots");
  });

  it("has exactly dbt's nodes, edges and tests", () => {
    expect(withoutKeys(loaded.floe)).toEqual(dbtGraph(loaded.manifest));
  });

  it("equals dagster-dbt's graph in nodes, deps and checks", () => {
    expect("error" in loaded.plain, JSON.stringify(loaded.plain)).toBe(false);
    expect(withoutKeys(loaded.floe)).toEqual(withoutKeys(loaded.plain as Graph));
  });

  it("differs only in keys: floe's is the node's name, dagster-dbt's adds a configured schema", () => {
    const plain = loaded.plain as Graph;
    let prefixed = 0;
    for (const [id, entry] of Object.entries(loaded.floe)) {
      const node = loaded.manifest.nodes[id]!;
      expect(entry.key, id).toEqual([node.name]);
      const schema = node.config.schema;
      expect(plain[id]!.key, id).toEqual(schema ? [schema, node.name] : [node.name]);
      if (schema) prefixed++;
    }
    // customer_revenue (finance) and the two snapshots (snapshots): the difference is exercised.
    expect(prefixed).toBe(3);
  });
});

describe("claims_clash: a seed and a source naming the same table", () => {
  let loaded: Loaded;
  let reference: Relations;
  let materialize: ReturnType<typeof run>;

  beforeAll(() => {
    loaded = load("claims_clash");
    const { ws, project } = loaded;
    // The source's table exists before any run, as if a loader wrote it: dbt alone does not order the
    // seed before the model that reads the source (it knows no edge between them).
    const dbt = (args: string[], database: string) =>
      mustSucceed(
        run(
          { ...ws, env: { ...ws.env, FLOE_DUCKDB_PATH: database } },
          "dbt",
          [...args, "--project-dir", project, "--profiles-dir", project, "--target-path", join(ws.dir, "cli-target"), "--quiet"],
          { cwd: project },
        ),
        `dbt ${args[0]}`,
      );
    const referenceDb = join(ws.dir, "reference.duckdb");
    dbt(["seed"], referenceDb);
    dbt(["build"], referenceDb);
    reference = readRelations(ws, referenceDb);
    dbt(["seed"], ws.env.FLOE_DUCKDB_PATH as string);
    materialize = run(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(loaded.out)]);
  });

  it("dagster-dbt alone refuses the project at load: the seed and the source share a key", () => {
    const plain = loaded.plain as { error: string };
    expect(plain.error).toContain("have the asset key `['raw', 'raw_claims']`");
    expect(plain.error).toContain("seed.claims_clash.raw_claims");
    expect(plain.error).toContain("source.claims_clash.raw.raw_claims");
  });

  it("floe's graph has exactly dbt's edges: stg_claims depends on the source, not on the seed", () => {
    expect(withoutKeys(loaded.floe)).toEqual(dbtGraph(loaded.manifest));
    expect(loaded.floe["model.claims_clash.stg_claims"]!.deps).toEqual(['external:["raw","raw_claims"]']);
  });

  it("passes `dagster definitions validate` and materializes what `dbt build` builds", () => {
    const validate = run(loaded.ws, "dagster", ["definitions", "validate", ...dagsterTarget(loaded.out)]);
    expect(validate.status, validate.stderr.slice(-2000)).toBe(0);
    expect(materialize.status, `${materialize.stdout.slice(-2000)}\n${materialize.stderr.slice(-3000)}`).toBe(0);
    expect(readRelations(loaded.ws, loaded.ws.env.FLOE_DUCKDB_PATH as string)).toEqual(reference);
  });
});
