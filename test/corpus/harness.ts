// Builds one corpus project three ways, each into its own DuckDB file, and reads the files back:
//   A  `dbt build` directly;
//   B  `dbt parse` → `floe artifacts from-dbt` → `floe generate --orchestrator dagster` → `dagster asset materialize --select '*'`;
//   C  B's artifacts → `floe generate --orchestrator airflow` → `airflow dags test`.
// Every run works on its own copy of the project (dbt writes target/ and logs/ into it) and its own
// `warehouse.duckdb`, so the three databases have the same name and the runs can go side by side.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import { dagsterTarget } from "floe-test-utils/dagster-output";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CORPUS = import.meta.dirname;
const FLOE = join(ROOT, "packages", "floe-core", "bin", "floe.js");
const RELATIONS_PY = join(CORPUS, "relations.py");

export interface CorpusProject {
  /** Folder under test/corpus/projects/. */
  name: string;
  /** Extra environment the project's own files read (e.g. the source database and schema). */
  env?: Record<string, string>;
  /** A script under test/corpus/sources/ that loads the sources dbt reads but does not build. */
  sources?: string;
  /**
   * Columns left out of the content hash, per relation ("schema.table"). Only columns dbt fills
   * from the run's clock, each with the reason next to it in the test.
   */
  clockColumns?: Record<string, string[]>;
}

export interface Relation {
  type: string;
  columns: string[];
  rows: number;
  hash: string;
  excluded: string[];
}

export type Relations = Record<string, Relation>;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WayResult {
  /** The last command's result (the first failing one, if any failed). */
  run: RunResult;
  /** Which command that was. */
  step: string;
  ok: boolean;
  relations: Relations;
  seconds: number;
  /** Read from the reference cache (cachedReference): `seconds` is the time of the run that filled it. */
  cached?: boolean;
}

export interface Venvs {
  dagster: string;
  airflow: string;
}

/** A cached venv of python/<tool>/requirements.txt (scripts/python-env.sh builds it on first use). */
export function pythonVenv(tool: string): string {
  return execFileSync(join(ROOT, "scripts", "python-env.sh"), [tool], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export function pythonVenvs(): Venvs {
  return { dagster: pythonVenv("dagster"), airflow: pythonVenv("airflow") };
}

/** Where `dagster` commands run: the venv's bin first on PATH (dbt too), a DAGSTER_HOME under `dir`, no telemetry. */
export function dagsterEnv(dir: string): { bin: string; env: NodeJS.ProcessEnv } {
  const bin = join(pythonVenv("dagster"), "bin");
  const home = join(dir, "dagster-home");
  mkdirSync(home, { recursive: true });
  return {
    bin,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      DAGSTER_HOME: home,
      DAGSTER_DISABLE_TELEMETRY: "1",
      DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    },
  };
}

/**
 * Loads every DAG file in `dags` into one Airflow DagBag (a fresh AIRFLOW_HOME under `dir`): the import
 * errors by file and the task count of each DAG. Throws when the loading process fails.
 */
export function loadDagBag(dags: string, dir: string): { errors: Record<string, string>; tasks: Record<string, number> } {
  const home = join(dir, "airflow-home");
  mkdirSync(home, { recursive: true });
  const env = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    AIRFLOW__CORE__UNIT_TEST_MODE: "False",
    DO_NOT_TRACK: "1",
  };
  const script = `import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
json.dump({"errors": {k: str(v) for k, v in bag.import_errors.items()}, "tasks": {d: len(dag.tasks) for d, dag in bag.dags.items()}}, open(sys.argv[2], "w"))`;
  const report = join(dir, "dagbag.json");
  const load = spawnSync(join(pythonVenv("airflow"), "bin", "python"), ["-c", script, dags, report], {
    env,
    encoding: "utf8",
    timeout: 600_000,
  });
  if (load.status !== 0) throw new Error(`loading the DagBag exited ${load.status}: ${load.stderr.slice(-3000)}`);
  return JSON.parse(readFileSync(report, "utf8")) as { errors: Record<string, string>; tasks: Record<string, number> };
}

export function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      // Generous: on a loaded 2-core machine one Airflow run of a 13-model project took over 10 minutes.
      {
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 2_400_000,
        maxBuffer: 256 * 1024 * 1024,
        encoding: "utf8",
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A clean copy of the project: no target/, logs/ or DuckDB files that a manual run may have left. */
function copyProject(project: CorpusProject, dest: string): string {
  const dir = join(dest, "project");
  cpSync(join(CORPUS, "projects", project.name), dir, {
    recursive: true,
    filter: (src) => !/[\\/](target|logs)$|\.duckdb(\.wal)?$|[\\/]\.user\.yml$/.test(src),
  });
  return dir;
}

function baseEnv(venv: string, project: CorpusProject, workDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...project.env,
    PATH: `${join(venv, "bin")}:${process.env.PATH ?? ""}`,
    FLOE_DUCKDB_PATH: join(workDir, "warehouse.duckdb"),
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DO_NOT_TRACK: "1",
  };
}

/** Runs the steps in order and stops at the first failure; then reads the DuckDB file back. */
async function runWay(
  venvs: Venvs,
  project: CorpusProject,
  workDir: string,
  steps: Array<[string, (env: NodeJS.ProcessEnv, projectDir: string) => Promise<RunResult>]>,
  venv: string,
): Promise<WayResult> {
  const started = Date.now();
  mkdirSync(workDir, { recursive: true });
  const projectDir = copyProject(project, workDir);
  const env = baseEnv(venv, project, workDir);
  const allSteps: typeof steps = [];
  if (project.sources) {
    const script = join(CORPUS, "sources", project.sources);
    allSteps.push([
      "load sources",
      (e, p) => run(join(venvs.dagster, "bin", "python"), [script, p, e.FLOE_DUCKDB_PATH as string], { env: e, cwd: workDir }),
    ]);
  }
  allSteps.push(...steps);
  let last: RunResult = { code: 0, stdout: "", stderr: "" };
  let step = "";
  for (const [name, fn] of allSteps) {
    step = name;
    last = await fn(env, projectDir);
    if (last.code !== 0) break;
  }
  const relations = await readRelations(venvs, env.FLOE_DUCKDB_PATH as string, project.clockColumns ?? {}, workDir);
  return { run: last, step, ok: last.code === 0, relations, seconds: (Date.now() - started) / 1000 };
}

export async function readRelations(venvs: Venvs, database: string, excluded: Record<string, string[]>, cwd: string): Promise<Relations> {
  const result = await run(join(venvs.dagster, "bin", "python"), [RELATIONS_PY, database, JSON.stringify(excluded)], {
    env: process.env,
    cwd,
  });
  if (result.code !== 0) {
    // No file (the run failed before dbt wrote anything) reads as no relations.
    if (/No such file|does not exist|IO Error/i.test(result.stderr)) return {};
    throw new Error(`relations.py ${database} failed:\n${result.stderr.slice(-3000)}`);
  }
  return JSON.parse(result.stdout) as Relations;
}

const dbtArgs = (projectDir: string) => ["--project-dir", projectDir, "--profiles-dir", projectDir];

/** A: plain `dbt build`. */
export function buildWithDbt(venvs: Venvs, project: CorpusProject, workDir: string): Promise<WayResult> {
  return cachedReference(venvs, ["dbt build", project], () =>
    runWay(venvs, project, workDir, [["dbt build", (env, p) => run("dbt", ["build", ...dbtArgs(p)], { env, cwd: p })]], venvs.dagster),
  );
}

// ---------------------------------------------------------------------------------------------------
// The reference results (what a plain `dbt build` of a project leaves in DuckDB) depend only on the
// project's files, the scripts that load and read the database, and the dbt/DuckDB installation; the
// floe ways are compared against them. A passing reference is kept outside the clone, in the same cache
// as the venvs ($FLOE_CACHE_DIR, else $XDG_CACHE_HOME/floe, else ~/.cache/floe), under a hash of all of
// those inputs and of the day (UTC: a project that reads the clock gets a fresh reference every day);
// any change to any input is a new key, so a stale entry is never read. A failed reference is never
// kept. FLOE_CORPUS_REFERENCE_CACHE=0 always rebuilds.

function cacheRoot(): string {
  return process.env.FLOE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "floe");
}

/** Every file under dir (sorted, relative paths and contents), as copyProject copies them. */
function hashTree(hash: ReturnType<typeof createHash>, dir: string, base = dir): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (/^(target|logs)$|\.duckdb(\.wal)?$|^\.user\.yml$/.test(entry.name)) continue;
    if (entry.isDirectory()) hashTree(hash, path, base);
    else if (entry.isFile())
      hash
        .update(`${relative(base, path)}\0`)
        .update(readFileSync(path))
        .update("\0");
  }
}

/** The cache key of a reference: the what (command, project options), the files it reads, the tools, the day. */
export function referenceKey(venvs: Venvs, what: unknown[]): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(what));
  hash.update(new Date().toISOString().slice(0, 10));
  for (const item of what) {
    const project = item as Partial<CorpusProject>;
    if (typeof project?.name === "string") {
      hashTree(hash, join(CORPUS, "projects", project.name));
      if (project.sources) hash.update(readFileSync(join(CORPUS, "sources", project.sources)));
    }
  }
  hash.update(readFileSync(RELATIONS_PY));
  hash.update(readFileSync(import.meta.filename));
  // The venv's directory name hashes its Python version and requirements; the freeze, what pip installed.
  hash.update(venvs.dagster);
  hash.update(readFileSync(join(venvs.dagster, ".floe-freeze.txt")));
  return hash.digest("hex").slice(0, 32);
}

/** `compute()`'s result, from the cache when an equal-input run passed before; kept only when it passed. */
export async function cachedReference<T extends { ok: boolean }>(venvs: Venvs, what: unknown[], compute: () => Promise<T>): Promise<T> {
  if (process.env.FLOE_CORPUS_REFERENCE_CACHE === "0") return compute();
  const dir = join(cacheRoot(), "corpus-reference");
  const file = join(dir, `${referenceKey(venvs, what)}.json`);
  try {
    return { ...(JSON.parse(readFileSync(file, "utf8")) as T), cached: true };
  } catch {
    // not cached yet (or unreadable): compute it
  }
  const result = await compute();
  if (result.ok) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(result));
    renameSync(partial, file);
  }
  return result;
}

/** `dbt parse` + `floe artifacts from-dbt` in a project copy; the artifacts both orchestrators get. */
async function parseAndConvert(env: NodeJS.ProcessEnv, projectDir: string, product: string, artifacts: string): Promise<RunResult> {
  const parse = await run("dbt", ["parse", ...dbtArgs(projectDir), "--quiet"], { env, cwd: projectDir });
  if (parse.code !== 0) return parse;
  return run(
    process.execPath,
    [FLOE, "artifacts", "from-dbt", join(projectDir, "target", "manifest.json"), "--product", product, "--out", artifacts],
    { env, cwd: ROOT },
  );
}

export function productName(project: CorpusProject): string {
  return `corpus_${project.name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * B: floe → Dagster (manifest mode: the artifacts carry dbt unique_ids). Its `dbt parse` +
 * `floe artifacts from-dbt` writes the artifacts C uses too; `artifacts` resolves when they are written.
 */
export function buildWithDagster(
  venvs: Venvs,
  project: CorpusProject,
  workDir: string,
): { result: Promise<WayResult>; artifacts: Promise<string | null> } {
  const artifacts = join(workDir, "compiled_artifacts.json");
  const out = join(workDir, "dagster");
  let converted: (ok: boolean) => void = () => {};
  const artifactsReady = new Promise<string | null>((resolve) => {
    converted = (ok) => resolve(ok ? artifacts : null);
  });
  const result = runWay(
    venvs,
    project,
    workDir,
    [
      [
        "dbt parse + floe artifacts from-dbt",
        async (env, p) => {
          const r = await parseAndConvert(env, p, productName(project), artifacts);
          converted(r.code === 0);
          return r;
        },
      ],
      [
        "floe generate --orchestrator dagster",
        (env, p) =>
          run(process.execPath, [FLOE, "generate", artifacts, "--orchestrator", "dagster", "--out", out, "--dbt-project", p], {
            env,
            cwd: ROOT,
          }),
      ],
      [
        "dagster asset materialize",
        (env) => {
          const home = join(workDir, "dagster_home");
          mkdirSync(home, { recursive: true });
          return run("dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)], {
            env: { ...env, DAGSTER_HOME: home, DAGSTER_DISABLE_TELEMETRY: "1" },
            cwd: workDir,
          });
        },
      ],
    ],
    venvs.dagster,
  );
  // A run that failed before converting (e.g. loading sources) leaves C nothing to generate from.
  void result.then(() => converted(false));
  return { result, artifacts: artifactsReady };
}

/** C: B's artifacts → Airflow, `airflow dags test` of the product's DAG in an AIRFLOW_HOME migrated once per test file. */
export function buildWithAirflow(
  venvs: Venvs,
  project: CorpusProject,
  workDir: string,
  airflowHome: string,
  artifacts: Promise<string | null>,
): Promise<WayResult> {
  const dags = join(workDir, "dags");
  return runWay(
    venvs,
    project,
    workDir,
    [
      [
        "floe generate --orchestrator airflow",
        async (env, p) => {
          const file = await artifacts;
          if (file === null) return { code: 1, stdout: "", stderr: "no artifacts: B's `dbt parse` + `floe artifacts from-dbt` failed" };
          return run(process.execPath, [FLOE, "generate", file, "--orchestrator", "airflow", "--out", dags, "--dbt-project", p], {
            env,
            cwd: ROOT,
          });
        },
      ],
      [
        "airflow dags test",
        async (env) => {
          const result = await run("airflow", ["dags", "test", productName(project)], {
            env: {
              ...airflowEnv(airflowHome),
              ...env,
              AIRFLOW__CORE__DAGS_FOLDER: dags,
              DBT_TARGET_PATH: join(workDir, "dbt-target"),
              DBT_LOG_PATH: join(workDir, "dbt-logs"),
            },
            cwd: workDir,
          });
          // `dags test` can exit 0 with failed tasks: the run's task states decide.
          const states = await taskStates(venvs, airflowHome, productName(project));
          const bad = Object.entries(states).filter(([, state]) => state !== "success");
          if (result.code === 0 && (bad.length > 0 || Object.keys(states).length === 0)) {
            return { ...result, code: 1, stderr: `${result.stderr}\ntask states: ${JSON.stringify(states)}` };
          }
          return result;
        },
      ],
    ],
    venvs.airflow,
  );
}

export function airflowEnv(home: string): NodeJS.ProcessEnv {
  return {
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    AIRFLOW__CORE__UNIT_TEST_MODE: "False",
  };
}

export async function migrateAirflow(venvs: Venvs, home: string): Promise<void> {
  mkdirSync(join(home, "dags"), { recursive: true });
  const result = await run(join(venvs.airflow, "bin", "airflow"), ["db", "migrate"], {
    env: { ...process.env, ...airflowEnv(home), AIRFLOW__CORE__DAGS_FOLDER: join(home, "dags") },
    cwd: home,
  });
  if (result.code !== 0) throw new Error(`airflow db migrate failed:\n${result.stderr.slice(-3000)}`);
}

export async function taskStates(venvs: Venvs, home: string, dagId: string): Promise<Record<string, string>> {
  const script = [
    "import json, sqlite3, sys",
    "con = sqlite3.connect(sys.argv[1])",
    "rows = con.execute('select task_id, state from task_instance where dag_id = ?', (sys.argv[2],)).fetchall()",
    "print(json.dumps({t: s or 'none' for t, s in rows}))",
  ].join("\n");
  const result = await run(join(venvs.airflow, "bin", "python"), ["-c", script, join(home, "airflow.db"), dagId], {
    env: process.env,
    cwd: home,
  });
  if (result.code !== 0) return {};
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as Record<string, string>;
}

/** One line per relation that differs between two databases (missing, extra, type, columns, rows, hash). */
export function differences(expected: Relations, actual: Relations): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const e = expected[key];
    const a = actual[key];
    if (!e) out.push(`${key}: not built by dbt build, but present (${a!.rows} rows)`);
    else if (!a) out.push(`${key}: missing (dbt build made a ${e.type} of ${e.rows} rows)`);
    else {
      if (e.type !== a.type) out.push(`${key}: ${a.type}, dbt build made a ${e.type}`);
      if (JSON.stringify(e.columns) !== JSON.stringify(a.columns))
        out.push(`${key}: columns ${a.columns.join(", ")} vs ${e.columns.join(", ")}`);
      if (e.rows !== a.rows) out.push(`${key}: ${a.rows} rows vs ${e.rows}`);
      else if (e.hash !== a.hash) out.push(`${key}: same ${a.rows} rows, different content`);
    }
  }
  return out;
}

/** The tail of a failed step's output, enough to see why. */
export function failure(way: WayResult): string {
  return `${way.step} exited ${way.run.code}:\n${way.run.stderr.slice(-2500)}\n${way.run.stdout.slice(-2500)}`;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
