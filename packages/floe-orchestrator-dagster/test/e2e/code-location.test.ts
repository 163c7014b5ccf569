// The generated code location, loaded and run by real Dagster on a real dbt project (DuckDB):
// `dagster definitions validate`, `dagster asset materialize --select '*'`, then the DuckDB file and
// the Dagster event log are read back. Once with the example's manifest (@dbt_assets), once with
// artifacts shaped like floe 0.10.0 output (no dbt ids: one asset per transform).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseArtifactsJson } from "floe-core";
import { DagsterPlugin } from "../../src/dagster-plugin.js";
import {
  EXAMPLE,
  INSPECT_PY,
  copyExample,
  dagsterDefinitionsFile,
  dagsterTarget,
  dbtParse,
  floeGenerate,
  makeWorkspace,
  mustSucceed,
  python,
  run,
  type Workspace,
} from "./tools.js";

const READ_RESULTS_PY = join(import.meta.dirname, "read_results.py");

interface Inspected {
  assets: Record<string, { deps: string[]; group: string; tags: Record<string, string> }>;
  checks: string[];
  jobs: string[];
  schedules: Array<{ name: string; job: string; cron: string; timezone: string }>;
}

interface Results {
  rows: Record<string, Array<{ schema: string; type: string; rows: number }>>;
  checks: Array<{ key: string; passed: boolean }>;
}

/** What floe says the assets are, in the shape inspect_definitions.py reports Dagster's view. */
function expectedAssets(artifactsFile: string) {
  const { artifacts } = parseArtifactsJson(readFileSync(artifactsFile, "utf8"));
  const plugin = new DagsterPlugin();
  const specs = plugin.createAssetsFromTransforms(
    (artifacts.transforms?.models ?? []).map((m) => ({
      ...m,
      path: m.path ?? "",
      tags: m.tags ?? [],
      depends_on: m.depends_on ?? [],
      meta: m.meta ?? {},
    })),
    plugin.createDefinitions(artifacts).model.group,
  );
  return {
    models: specs.map((s) => s.model),
    assets: Object.fromEntries(
      specs.map((s) => [JSON.stringify(s.key), { deps: s.deps.map((d) => JSON.stringify(d)).sort(), group: s.group, tags: s.tags }]),
    ),
  };
}

function generateAndRun(ws: Workspace, artifactsFile: string, project: string) {
  const out = join(ws.dir, "out");
  // From the repository root: the registry finds floe-orchestrator-dagster among its dependencies.
  floeGenerate(ws, artifactsFile, out, project);
  const definitions = dagsterDefinitionsFile(out);
  const validate = run(ws, "dagster", ["definitions", "validate", ...dagsterTarget(out)]);
  const inspected = JSON.parse(mustSucceed(python(ws, [INSPECT_PY, out]), "inspect").stdout) as Inspected;
  const materialize = run(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)]);
  return { definitions, validate, inspected, materialize };
}

function readResults(ws: Workspace, models: string[]): Results {
  return JSON.parse(
    mustSucceed(python(ws, [READ_RESULTS_PY, ws.env.FLOE_DUCKDB_PATH as string, JSON.stringify(models)]), "read results").stdout,
  ) as Results;
}

describe("the example's code location (dbt manifest, @dbt_assets)", () => {
  const artifactsFile = join(EXAMPLE, "compiled_artifacts.json");
  let ws: Workspace;
  let outcome: ReturnType<typeof generateAndRun>;
  let results: Results;
  const expected = expectedAssets(artifactsFile);

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-e2e-");
    const project = join(ws.dir, "jaffle_shop");
    copyExample(project);
    dbtParse(ws, project);
    outcome = generateAndRun(ws, artifactsFile, project);
    results = readResults(ws, expected.models);
  });

  it("passes `dagster definitions validate`", () => {
    expect(outcome.validate.status, outcome.validate.stderr.slice(-3000)).toBe(0);
  });

  it("has exactly the assets and edges createAssetsFromTransforms gives", () => {
    expect(outcome.inspected.assets).toEqual(expected.assets);
  });

  it("has the jobs and the Europe/London schedule", () => {
    expect(outcome.inspected.jobs).toEqual(["daily_marts", "jaffle_shop"]);
    expect(outcome.inspected.schedules).toEqual([
      { name: "daily_marts_morning", job: "daily_marts", cron: "0 6 * * *", timezone: "Europe/London" },
    ]);
  });

  it("materializes every model: each table or view exists with rows", () => {
    expect(outcome.materialize.status, outcome.materialize.stderr.slice(-3000)).toBe(0);
    for (const model of expected.models) {
      expect(results.rows[model], model).toHaveLength(1);
      expect(results.rows[model]![0]!.rows, model).toBeGreaterThan(0);
    }
    expect(results.rows.customer_revenue![0]!.schema).toBe("finance");
    expect(results.rows.stg_orders![0]!.type).toBe("VIEW");
  });

  it("ran the dbt tests as asset checks, all passing", () => {
    expect(outcome.inspected.checks).toHaveLength(12);
    expect(results.checks.map((c) => c.key)).toEqual(outcome.inspected.checks);
    expect(results.checks.every((c) => c.passed)).toBe(true);
  });
});

describe("artifacts shaped like floe 0.10.0 (no manifest: one asset per transform)", () => {
  const artifactsFile = join(import.meta.dirname, "..", "fixtures", "floe-0.10.0-artifacts.json");
  let ws: Workspace;
  let outcome: ReturnType<typeof generateAndRun>;
  let results: Results;
  const expected = expectedAssets(artifactsFile);

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-e2e-010-");
    const project = join(ws.dir, "jaffle_shop");
    copyExample(project);
    outcome = generateAndRun(ws, artifactsFile, project);
    results = readResults(ws, expected.models);
  });

  it("passes `dagster definitions validate` without a manifest", () => {
    expect(readFileSync(outcome.definitions, "utf8")).not.toContain("dbt_assets");
    expect(outcome.validate.status, outcome.validate.stderr.slice(-3000)).toBe(0);
  });

  it("has exactly the assets and edges createAssetsFromTransforms gives", () => {
    expect(outcome.inspected.assets).toEqual(expected.assets);
  });

  it("materializes every model with `dbt build --select <model>`", () => {
    expect(outcome.materialize.status, outcome.materialize.stderr.slice(-3000)).toBe(0);
    for (const model of expected.models) {
      expect(results.rows[model], model).toHaveLength(1);
      expect(results.rows[model]![0]!.rows, model).toBeGreaterThan(0);
    }
  });
});
