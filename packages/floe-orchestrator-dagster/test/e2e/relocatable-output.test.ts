// Relocatable output: `floe generate` with the dbt project bundled (--bundle-dbt-project) or referenced
// relative to the output, then `cp -r` to another path and the original removed. The real
// `dagster definitions validate` and `dagster asset materialize` still work there.
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EXAMPLE,
  FLOE_BIN,
  ROOT,
  copyExample,
  dagsterDefinitionsFile,
  dagsterTarget,
  dbtParse,
  makeWorkspace,
  mustSucceed,
  run,
  type Workspace,
} from "./tools.js";

const ARTIFACTS = join(EXAMPLE, "compiled_artifacts.json");

/** Every file under `dir`, relative. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`],
  );
}

function generate(ws: Workspace, out: string, project: string, extra: string[] = []) {
  return run(
    ws,
    process.execPath,
    [FLOE_BIN, "generate", ARTIFACTS, "--orchestrator", "dagster", "--out", out, "--dbt-project", project, ...extra],
    { cwd: ROOT },
  );
}

/** Validated through its workspace.yaml, run in the output directory (as its README says); materialized as `-m <module> -d <out>`. */
function validateAndMaterialize(ws: Workspace, out: string) {
  return {
    validate: run(ws, "dagster", ["definitions", "validate", "-w", "workspace.yaml"], { cwd: out }),
    materialize: run(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)]),
  };
}

describe("a bundled code location, copied elsewhere", () => {
  let ws: Workspace;
  let first: string;
  let moved: string;
  let outcome: ReturnType<typeof validateAndMaterialize>;

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-bundle-");
    first = join(ws.dir, "first");
    const project = join(first, "jaffle_shop");
    copyExample(project);
    // What a developer's project holds after working in it: none of it belongs in the bundle.
    dbtParse(ws, project);
    mustSucceed(generate(ws, join(first, "out"), project, ["--bundle-dbt-project"]), "floe generate --bundle-dbt-project");
    moved = join(ws.dir, "elsewhere", "code-location");
    cpSync(join(first, "out"), moved, { recursive: true });
    rmSync(first, { recursive: true, force: true });
    // The image build's step (the generated Dockerfile runs it): dbt writes the manifest @dbt_assets reads.
    mustSucceed(
      run(ws, "dbt", ["parse", "--project-dir", join(moved, "dbt"), "--profiles-dir", join(moved, "dbt"), "--quiet"], { cwd: moved }),
      "dbt parse (bundle)",
    );
    outcome = validateAndMaterialize(ws, moved);
  });

  it("bundled only what dbt needs, and no path of the machine that generated it", () => {
    const files = filesUnder(moved).filter(
      (f) => !f.startsWith("dbt/target/") && !f.startsWith("dbt/logs/") && !f.includes("__pycache__/"),
    );
    expect(files).toContain("dbt/dbt_project.yml");
    expect(files).toContain("dbt/models/marts/orders.sql");
    expect(files.filter((f) => /\.duckdb|(^|\/)\.git\//.test(f))).toEqual([]);
    for (const file of files) expect(readFileSync(join(moved, file), "utf8"), file).not.toContain(first);
    const definitions = readFileSync(dagsterDefinitionsFile(moved), "utf8");
    expect(definitions).toContain("OUTPUT_DIR = Path(__file__).parent.parent\n");
    expect(definitions).toContain('(OUTPUT_DIR / "dbt").resolve()');
  });

  it("passes `dagster definitions validate` where it was copied to", () => {
    expect(outcome.validate.status, outcome.validate.stderr.slice(-3000)).toBe(0);
  });

  it("materializes every asset there with the bundled project", () => {
    expect(outcome.materialize.status, outcome.materialize.stderr.slice(-3000)).toBe(0);
    expect(outcome.materialize.stderr).toMatch(/RUN_SUCCESS/);
    expect(existsSync(ws.env.FLOE_DUCKDB_PATH as string)).toBe(true);
  });
});

describe("a code location referencing its project relatively, copied elsewhere with it", () => {
  let ws: Workspace;
  let outcome: { materialize: ReturnType<typeof run> };
  let definitions: string;

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-relative-");
    const first = join(ws.dir, "first");
    const project = join(first, "dbt", "jaffle_shop");
    copyExample(project);
    mustSucceed(generate(ws, join(first, "deploy", "dagster"), project), "floe generate");
    const second = join(ws.dir, "second");
    cpSync(first, second, { recursive: true });
    rmSync(first, { recursive: true, force: true });
    // dbt's manifest records the project's absolute path, so it is made where the project now lives
    // (the generated Dockerfile does the same at build time).
    const moved = join(second, "dbt", "jaffle_shop");
    dbtParse(ws, moved);
    const out = join(second, "deploy", "dagster");
    definitions = dagsterDefinitionsFile(out);
    outcome = { materialize: run(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)]) };
  });

  it("records the project relative to the output", () => {
    expect(readFileSync(definitions, "utf8")).toContain('(OUTPUT_DIR / "../../dbt/jaffle_shop").resolve()');
  });

  it("materializes every asset where it was copied to", () => {
    expect(outcome.materialize.status, outcome.materialize.stderr.slice(-3000)).toBe(0);
    expect(outcome.materialize.stderr).toMatch(/RUN_SUCCESS/);
  });
});
