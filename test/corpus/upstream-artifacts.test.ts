// Upstream floe's golden CompiledArtifacts (test/corpus/upstream-floe, see NOTICE.md): `floe generate`
// writes output for both orchestrators, and the real orchestrators load it (Dagster `definitions
// validate`, Airflow DagBag with zero import errors). The 0.1 golden has no transforms: both plugins
// generate an output that runs nothing, with one warning line (zero-models.test.ts loads such outputs in
// the real orchestrators).
//
// The goldens name models `customers` and `orders` (→ `customers`), and no dbt project; upstream's demo
// projects (customer-360, financial-risk, iot-telemetry) name other models. The corpus's
// jaffle_shop_duckdb defines both names, so the goldens run against it: its seeds and staging views
// are built first with plain dbt (the goldens leave them out), then each orchestrator builds the
// golden's models, and the database must equal a plain `dbt build` of the same relations.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dagsterTarget } from "floe-test-utils/dagster-output";
import {
  CORPUS,
  ROOT,
  airflowEnv,
  buildWithDbt,
  differences,
  failure,
  migrateAirflow,
  pythonVenvs,
  readRelations,
  run,
  taskStates,
  type Relations,
  type RunResult,
  type Venvs,
} from "./harness.js";

const GOLDEN_DIR = join(CORPUS, "upstream-floe");
const GOLDENS = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();
const hasModels = (file: string) =>
  ((JSON.parse(readFileSync(join(GOLDEN_DIR, file), "utf8")) as { transforms?: { models?: unknown[] } | null }).transforms?.models ?? [])
    .length > 0;
const FLOE = join(ROOT, "packages", "floe-core", "bin", "floe.js");
const DAGBAG_PY = join(ROOT, "packages", "floe-orchestrator-airflow", "test", "e2e", "dagbag-report.py");

let venvs: Venvs;
let work: string;

const PROJECT = join(CORPUS, "projects", "jaffle_shop_duckdb");
const GOLDEN_MODELS = ["customers", "orders"];
let full: Relations;

function copyProject(dest: string): string {
  cpSync(PROJECT, dest, { recursive: true, filter: (src) => !/[\\/](target|logs)$|\.duckdb(\.wal)?$/.test(src) });
  return dest;
}

function dbtEnv(database: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${join(venvs.dagster, "bin")}:${process.env.PATH ?? ""}`,
    FLOE_DUCKDB_PATH: database,
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
  };
}

async function mustRun(what: string, result: Promise<RunResult>): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
}

beforeAll(async () => {
  venvs = pythonVenvs();
  work = mkdtempSync(join(tmpdir(), "floe-upstream-golden-"));
  await migrateAirflow(venvs, join(work, "airflow_home"));
  // The reference: a plain `dbt build` of the whole project (the corpus's, cached with it: harness.ts).
  const reference = await buildWithDbt(venvs, { name: "jaffle_shop_duckdb" }, join(work, "full"));
  if (!reference.ok) throw new Error(failure(reference));
  full = reference.relations;
  // The base: everything but the golden's models.
  const base = join(work, "base");
  const project = copyProject(join(base, "project"));
  const args = ["build", "--exclude", ...GOLDEN_MODELS];
  await mustRun(
    `dbt ${args.join(" ")}`,
    run("dbt", [...args, "--project-dir", project, "--profiles-dir", project], {
      env: dbtEnv(join(base, "warehouse.duckdb")),
      cwd: project,
    }),
  );
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it("holds the upstream goldens of versions 0.1, 0.5, 0.6 and 0.10", () => {
  const versions = GOLDENS.map((f) => (JSON.parse(readFileSync(join(GOLDEN_DIR, f), "utf8")) as { version: string }).version);
  expect(versions.sort()).toEqual(["0.1.0", "0.10.0", "0.5.0", "0.6.0"]);
});

describe.each(GOLDENS.filter((f) => !hasModels(f)))("upstream golden %s (no models)", (file) => {
  it.each(["dagster", "airflow"])("%s: generates an output that runs nothing, with the no-models warning", async (orchestrator) => {
    const out = join(work, `${file}-${orchestrator}`);
    const project = copyProject(join(work, `${file}-${orchestrator}-project`));
    const result = await run(
      process.execPath,
      [FLOE, "generate", join(GOLDEN_DIR, file), "--orchestrator", orchestrator, "--out", out, "--dbt-project", project],
      { env: process.env, cwd: ROOT },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^floe: warning: the artifacts of product "[^"]+" have no models: the generated .* runs nothing$/m);
    expect(existsSync(join(out, ".floe-output.json"))).toBe(true);
  });
});

describe.each(GOLDENS.filter(hasModels))("upstream golden %s on jaffle_shop_duckdb", (file) => {
  const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, file), "utf8")) as {
    metadata: { product_name: string };
    transforms: { models: Array<{ name: string }> };
  };
  const models = golden.transforms.models.map((m) => m.name);
  /** A plain dbt build's relations that the base plus the golden's models should give. */
  let expected: Relations;
  const dir = (orchestrator: string) => join(work, file.replace(/\.json$/, ""), orchestrator);

  /** Its own project copy and a copy of the base warehouse, then `floe generate`. */
  async function prepare(orchestrator: string): Promise<{ project: string; out: string; database: string; generated: RunResult }> {
    const project = copyProject(join(dir(orchestrator), "project"));
    const database = join(dir(orchestrator), "warehouse.duckdb");
    copyFileSync(join(work, "base", "warehouse.duckdb"), database);
    const out = join(dir(orchestrator), "out");
    const generated = await run(
      process.execPath,
      [FLOE, "generate", join(GOLDEN_DIR, file), "--orchestrator", orchestrator, "--out", out, "--dbt-project", project],
      { env: process.env, cwd: ROOT },
    );
    return { project, out, database, generated };
  }

  beforeAll(async () => {
    const base = await readRelations(venvs, join(work, "base", "warehouse.duckdb"), {}, work);
    expected = Object.fromEntries(Object.entries(full).filter(([key]) => key in base || models.some((m) => key === `main.${m}`)));
  });

  it("Dagster: generated, `definitions validate` passes, `asset materialize --select '*'` builds the golden's models as dbt does", async () => {
    const { out, database, generated } = await prepare("dagster");
    expect(generated.code, generated.stderr).toBe(0);
    const home = join(dir("dagster"), "dagster_home");
    mkdirSync(home, { recursive: true });
    // As an activated venv: dagster-dbt looks for dbt on PATH when the resource is built.
    const env = { ...dbtEnv(database), DAGSTER_HOME: home, DAGSTER_DISABLE_TELEMETRY: "1" };
    const validate = await run(join(venvs.dagster, "bin", "dagster"), ["definitions", "validate", ...dagsterTarget(out)], {
      env,
      cwd: dir("dagster"),
    });
    expect(validate.code, validate.stdout.slice(-3000) + validate.stderr.slice(-3000)).toBe(0);
    const materialize = await run(join(venvs.dagster, "bin", "dagster"), ["asset", "materialize", "--select", "*", ...dagsterTarget(out)], {
      env,
      cwd: dir("dagster"),
    });
    expect(materialize.code, materialize.stderr.slice(-3000)).toBe(0);
    expect(differences(expected, await readRelations(venvs, database, {}, work))).toEqual([]);
  });

  it("Airflow: generated, the DagBag imports with zero errors, `airflow dags test` builds the golden's models as dbt does", async () => {
    const { out, database, generated } = await prepare("airflow");
    expect(generated.code, generated.stderr).toBe(0);
    const home = join(work, "airflow_home");
    const env = {
      ...dbtEnv(database),
      ...airflowEnv(home),
      AIRFLOW__CORE__DAGS_FOLDER: out,
      PATH: `${join(venvs.airflow, "bin")}:${process.env.PATH ?? ""}`,
    };
    const report = join(dir("airflow"), "dagbag.json");
    const load = await run(join(venvs.airflow, "bin", "python"), [DAGBAG_PY, out, report], { env, cwd: dir("airflow") });
    expect(load.code, load.stderr.slice(-3000)).toBe(0);
    const bag = JSON.parse(readFileSync(report, "utf8")) as {
      import_errors: Record<string, string>;
      dags: Record<string, { tasks: Record<string, { model: string }> }>;
    };
    expect(bag.import_errors).toEqual({});
    // The product's DAG: the one that runs every model of the golden.
    const dagId = Object.keys(bag.dags).find(
      (id) =>
        Object.values(bag.dags[id]!.tasks)
          .flatMap((t) => (t.model ? [t.model] : []))
          .sort()
          .join() === [...models].sort().join(),
    );
    expect(dagId, JSON.stringify(Object.keys(bag.dags))).toBeDefined();
    const test = await run(join(venvs.airflow, "bin", "airflow"), ["dags", "test", dagId!], {
      env: { ...env, DBT_TARGET_PATH: join(dir("airflow"), "dbt-target"), DBT_LOG_PATH: join(dir("airflow"), "dbt-logs") },
      cwd: dir("airflow"),
    });
    expect(test.code, test.stderr.slice(-3000)).toBe(0);
    const states = await taskStates(venvs, home, dagId!);
    // build mode (the default): the models' tasks and the one dbt_build task that ran dbt for them.
    expect(Object.values(states).sort(), JSON.stringify(states)).toEqual([...models, "dbt_build"].map(() => "success"));
    expect(differences(expected, await readRelations(venvs, database, {}, work))).toEqual([]);
  });
});
