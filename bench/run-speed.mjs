#!/usr/bin/env node
// Run speed of a whole dbt project end to end, by every way of running it on this machine: plain
// `dbt build`; floe's Airflow DAG in its build mode (one dbt invocation, model tasks report its results)
// and in its per-model mode (one dbt process per model task); astronomer-cosmos `DbtDag` in its local
// mode and its watcher mode; floe's Dagster code location (`dagster asset materialize --select '*'`).
// The Airflow ones run with `airflow dags test` (one process, tasks in order), all on the same synthetic
// DuckDB project (bench/lib/run-project.mjs: light SQL, real dependencies, a not_null test on every
// fifth model), each on a fresh DuckDB file, the project parsed once beforehand (partial parsing warm).
// Airflow's own floor under `dags test` runs too (no-op DAGs, no dbt: contenders airflow-noop-*).
// Prints wall seconds and ratios to plain `dbt build`; not a test.
// Reproduce: pnpm build && node bench/run-speed.mjs [--sizes 50,200,500] [--contenders all|name,name]
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeRunProject } from "./lib/run-project.mjs";
import { FLOE, machine, measure, saveReport, table, venvPath } from "./lib/measure.mjs";
import { WORK_DIR } from "./lib/synthetic-manifest.mjs";

const CONTENDERS = [
  "dbt",
  "floe-airflow-build",
  "floe-airflow-per-model",
  "cosmos-local",
  "cosmos-watcher",
  // Cosmos watcher with its root consumers waiting for the producer (see cosmosDag): what watcher mode
  // costs under `airflow dags test`, where the unmodified DAG can stall (firstTask below).
  "cosmos-watcher-first",
  "floe-dagster",
  // Airflow's own floor under `airflow dags test`, no dbt at all: one no-op task (the fixed cost of a
  // `dags test` run); no-op tasks in the shape of floe's build-mode DAG (a root task and a task per
  // model with the model edges: the per-task cost, and one scheduling loop per depth level, that any
  // task-per-model DAG pays); the same tasks all depending on the root alone (one scheduling loop).
  "airflow-noop-1",
  "airflow-noop-shape",
  "airflow-noop-star",
];
const NOOP = ["airflow-noop-1", "airflow-noop-shape", "airflow-noop-star"];
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "50,200,500" },
    contenders: { type: "string", default: "all" },
    "timeout-minutes": { type: "string", default: "60" },
    // Cosmos watcher under `airflow dags test` can stall for good (see firstTask below): a shorter cap.
    "watcher-timeout-minutes": { type: "string", default: "10" },
    // The sizes at which the slow per-model contenders (floe per-model, Cosmos local) run; default: all.
    "slow-sizes": { type: "string", default: "" },
    // Several runs side by side need their own work directories (each has its Airflow database).
    "work-name": { type: "string", default: "run-speed" },
  },
});
const sizes = values.sizes.split(",").filter(Boolean).map(Number);
const contenders = values.contenders === "all" ? CONTENDERS : values.contenders.split(",");
for (const c of contenders) if (!CONTENDERS.includes(c)) throw new Error(`unknown contender ${c}: one of ${CONTENDERS.join(", ")}`);
const SLOW = ["floe-airflow-per-model", "cosmos-local"];
const slowSizes = values["slow-sizes"] ? values["slow-sizes"].split(",").filter(Boolean).map(Number) : sizes;
const timeoutMs = Number(values["timeout-minutes"]) * 60_000;
const watcherTimeoutMs = Math.min(timeoutMs, Number(values["watcher-timeout-minutes"]) * 60_000);
const reproduce = `pnpm build && node bench/run-speed.mjs --sizes ${values.sizes} --contenders ${values.contenders}${values["slow-sizes"] ? ` --slow-sizes ${values["slow-sizes"]}` : ""}`;

const airflowVenv = venvPath("airflow");
const dagsterVenv = contenders.includes("floe-dagster") ? venvPath("dagster") : null;
const work = join(WORK_DIR, values["work-name"]);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const quiet = { DBT_SEND_ANONYMOUS_USAGE_STATS: "False", DO_NOT_TRACK: "1" };
const airflowHome = join(work, "airflow-home");
const airflowEnv = (dags) => ({
  ...process.env,
  ...quiet,
  PATH: `${join(airflowVenv, "bin")}:${process.env.PATH}`,
  AIRFLOW_HOME: airflowHome,
  AIRFLOW__CORE__DAGS_FOLDER: dags,
  AIRFLOW__CORE__LOAD_EXAMPLES: "False",
  AIRFLOW__COSMOS__ENABLE_CACHE: "False",
  AIRFLOW__OPENLINEAGE__DISABLED: "True",
});

function must(result, what) {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-3000)}`);
  return result;
}

function floe(args) {
  return must(measure(process.execPath, [FLOE, ...args]), `floe ${args.slice(0, 2).join(" ")}`);
}

function cosmosDag(dagId, mode, projectDir, manifestPath, profilesPath, producerFirst = false) {
  // producerFirst: Cosmos gives the root consumer sensors of a watcher DbtDag the trigger rule "always"
  // (cosmos/airflow/graph.py, _add_watcher_dependencies) and counts on the producer's priority weight to
  // start it first; `dag.test()` ignores priority weights (it runs a loop's ready tasks in set order), so
  // a sensor can wait in-line for a producer that never starts. Here those sensors wait for the producer
  // instead (all_success): every consumer then finds its model's status at its first poke.
  const first = producerFirst
    ? `
for task in dag.tasks:
    if task.trigger_rule == "always" and "dbt_producer_watcher" in task.upstream_task_ids:
        task.trigger_rule = "all_success"
`
    : "";
  return `from cosmos import DbtDag, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, LoadMode

dag = DbtDag(
    dag_id=${JSON.stringify(dagId)},
    schedule=None,
    catchup=False,
    project_config=ProjectConfig(dbt_project_path=${JSON.stringify(projectDir)}, manifest_path=${JSON.stringify(manifestPath)}),
    profile_config=ProfileConfig(profile_name="run_speed", target_name="dev", profiles_yml_filepath=${JSON.stringify(profilesPath)}),
    execution_config=ExecutionConfig(execution_mode=ExecutionMode.${mode}, dbt_executable_path=${JSON.stringify(join(airflowVenv, "bin/dbt"))}),
    render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST),
    default_args={"retries": 0},
)
${first}`;
}

/** Project, manifest, artifacts and every contender's generated code for n models. */
function prepare(n) {
  const dir = join(work, `n${n}`);
  const project = join(dir, "dbt");
  writeRunProject(project, n);
  const env = { ...process.env, ...quiet, FLOE_DUCKDB_PATH: join(dir, "parse.duckdb") };
  must(
    measure(join(airflowVenv, "bin/dbt"), ["parse", "--project-dir", project, "--profiles-dir", project, "--quiet"], { cwd: project, env }),
    "dbt parse",
  );
  const manifest = join(project, "target", "manifest.json");
  const out = {};
  for (const [name, product, extra] of [
    ["floe-airflow-build", `rs${n}_build`, ["--orchestrator", "airflow", "--execution-mode", "build"]],
    ["floe-airflow-per-model", `rs${n}_per_model`, ["--orchestrator", "airflow", "--execution-mode", "per_model"]],
    ["floe-dagster", `rs${n}_dagster`, ["--orchestrator", "dagster"]],
  ]) {
    if (!contenders.includes(name)) continue;
    const artifacts = join(dir, `${name}.json`);
    floe(["artifacts", "from-dbt", manifest, "--product", product, "--out", artifacts]);
    const generated = join(dir, `${name}-out`);
    floe(["generate", artifacts, ...extra, "--out", generated, "--dbt-project", project]);
    out[name] = { dagId: product, generated };
  }
  for (const [name, mode] of [
    ["cosmos-local", "LOCAL"],
    ["cosmos-watcher", "WATCHER"],
    ["cosmos-watcher-first", "WATCHER"],
  ]) {
    if (!contenders.includes(name)) continue;
    const dags = join(dir, `${name}-dags`);
    mkdirSync(dags, { recursive: true });
    const dagId = `rs${n}_${name.replaceAll("-", "_")}`;
    const producerFirst = name === "cosmos-watcher-first";
    writeFileSync(join(dags, "cosmos_dag.py"), cosmosDag(dagId, mode, project, manifest, join(project, "profiles.yml"), producerFirst));
    out[name] = { dagId, dags };
  }
  for (const name of NOOP) {
    if (!contenders.includes(name)) continue;
    let table = null;
    if (name !== "airflow-noop-1") {
      // The shape of floe's build-mode DAG (generated here if that contender is not part of this run).
      let generated = out["floe-airflow-build"]?.generated ?? out.noopShape;
      if (!generated) {
        const artifacts = join(dir, "noop-shape.json");
        floe(["artifacts", "from-dbt", manifest, "--product", `rs${n}_noop_shape`, "--out", artifacts]);
        generated = join(dir, "noop-shape-out");
        floe([
          "generate",
          artifacts,
          "--orchestrator",
          "airflow",
          "--execution-mode",
          "build",
          "--out",
          generated,
          "--dbt-project",
          project,
        ]);
        out.noopShape = generated;
      }
      table = tasksTable(generated);
    }
    const dags = join(dir, `${name}-dags`);
    mkdirSync(dags, { recursive: true });
    const dagId = `rs${n}_${name.replaceAll("-", "_")}`;
    writeFileSync(join(dags, "noop_dag.py"), noopDag(dagId, table, name === "airflow-noop-star"));
    out[name] = { dagId, dags };
  }
  return { dir, project, out };
}

/**
 * A DAG of no-op tasks: the root alone (one task), or the root and a task per model with the edges of
 * floe's build-mode DAG (its TASKS table, read from the generated module), or (star) each depending on
 * the root alone. Nothing runs dbt.
 */
function noopDag(dagId, tasksTable, star) {
  return `from airflow.sdk import DAG, BaseOperator
from floe_runtime.airflow import set_upstream_tasks

${tasksTable ?? "TASKS = {}"}


class Noop(BaseOperator):
    def execute(self, context):
        return None


with DAG(dag_id=${JSON.stringify(dagId)}, schedule=None, catchup=False) as dag:
    root = Noop(task_id="root")
    tasks = {task_id: Noop(task_id=task_id) for task_id in TASKS}
    set_upstream_tasks({**tasks, "root": root}, {task_id: ${star ? '["root"]' : 'upstream or ["root"]'} for task_id, (_, upstream) in TASKS.items()})
`;
}

/** The TASKS table (task id -> (model, upstream task ids)) of a generated floe Airflow DAG module. */
function tasksTable(generated) {
  for (const file of readdirSync(generated)) {
    if (!file.endsWith(".py")) continue;
    const match = /^TASKS = \{\n[\s\S]*?^\}$/m.exec(readFileSync(join(generated, file), "utf8"));
    if (match) return match[0];
  }
  throw new Error(`no TASKS table in the generated DAG modules of ${generated}`);
}

/** The DAG folder holding only the generated DAG modules of one floe output. */
function dagFolder(generated, into) {
  mkdirSync(into, { recursive: true });
  for (const file of readdirSync(generated)) if (file.endsWith(".py")) copyFileSync(join(generated, file), join(into, file));
  return into;
}

function runOne(name, n, { dir, project, out }) {
  const duckdb = join(dir, `${name}.duckdb`);
  rmSync(duckdb, { force: true });
  const dbtEnv = { FLOE_DUCKDB_PATH: duckdb, FLOE_DBT_PROJECT_DIR: project };
  if (name === "dbt") {
    const env = { ...process.env, ...quiet, ...dbtEnv };
    return measure(join(airflowVenv, "bin/dbt"), ["build", "--project-dir", project, "--profiles-dir", project, "--quiet"], {
      cwd: project,
      env,
    });
  }
  if (name === "floe-dagster") {
    const { generated } = out[name];
    const env = {
      ...process.env,
      ...quiet,
      ...dbtEnv,
      PATH: `${join(dagsterVenv, "bin")}:${process.env.PATH}`,
      DAGSTER_HOME: join(dir, "dagster-home"),
      DBT_PROFILES_DIR: project,
    };
    mkdirSync(env.DAGSTER_HOME, { recursive: true });
    return measure(
      join(dagsterVenv, "bin/dagster"),
      ["asset", "materialize", "--select", "*", "-m", dagsterModule(generated), "-d", generated],
      {
        cwd: generated,
        env,
      },
    );
  }
  const dags = out[name].dags ?? dagFolder(out[name].generated, join(dir, `${name}-dags`));
  const env = { ...airflowEnv(dags), ...dbtEnv, DBT_PROFILES_DIR: project };
  const timeout = name.startsWith("cosmos-watcher") ? watcherTimeoutMs : timeoutMs;
  return measure(join(airflowVenv, "bin/airflow"), ["dags", "test", out[name].dagId], { cwd: dir, env, timeout });
}

/**
 * The task `airflow dags test` ran first. `dag.test()` runs the ready task instances of each loop one
 * after the other, in the iteration order of a Python set (not by priority_weight); Cosmos's watcher DAG
 * makes its root consumer sensors ready together with the producer (trigger rule "always", relying on
 * the producer's priority weight), so a sensor that comes first waits in-line for a producer that never
 * starts.
 */
function firstTask(output) {
  return /\[DAG TEST\] starting task_id=(\S+)/.exec(output)?.[1] ?? null;
}

/** The generated package's definitions module, as the output's workspace.yaml names it. */
function dagsterModule(generated) {
  const match = /^\s+module_name: (\S+)$/m.exec(readFileSync(join(generated, "workspace.yaml"), "utf8"));
  if (!match) throw new Error(`${generated}/workspace.yaml names no module`);
  return match[1];
}

const header = machine({ python: ["airflow", ...(dagsterVenv ? ["dagster"] : [])] });
console.log(header.join("\n"));
if (contenders.some((c) => c !== "dbt" && c !== "floe-dagster")) {
  process.stderr.write("airflow db migrate… ");
  must(measure(join(airflowVenv, "bin/airflow"), ["db", "migrate"], { env: airflowEnv(join(work, "no-dags")) }), "airflow db migrate");
  process.stderr.write("\n");
}
const rows = [];
for (const n of sizes) {
  process.stderr.write(`[${n}] prepare… `);
  const prepared = prepare(n);
  const seconds = {};
  for (const name of contenders) {
    if (SLOW.includes(name) && !slowSizes.includes(n)) {
      rows.push({ models: n, contender: name, "wall s": "not run (--slow-sizes)", "cpu s": "", "x dbt build": "", load: "" });
      continue;
    }
    process.stderr.write(`${name}… `);
    const r = runOne(name, n, prepared);
    // No-op DAGs write no DuckDB file; every other contender must have built the project into its own.
    // Build mode must report the build's results: a model task that ran dbt alone means it did not read them.
    const fellBack = name === "floe-airflow-build" && /running dbt for this model alone/.test(r.stdout + r.stderr);
    const ok = r.status === 0 && !fellBack && (NOOP.includes(name) || existsSync(join(prepared.dir, `${name}.duckdb`)));
    seconds[name] = ok ? r.seconds : null;
    const first = name.startsWith("cosmos") ? firstTask(`${r.stdout}\n${r.stderr}`) : null;
    if (!ok) process.stderr.write(`(failed: exit ${r.status}, first task ${first}) ${r.stderr.slice(-1500)} ${r.stdout.slice(-1500)}\n`);
    rows.push({
      models: n,
      contender: name,
      "wall s": ok
        ? r.seconds.toFixed(1)
        : fellBack
          ? "model tasks ran dbt"
          : r.timedOut
            ? `timed out (first task ${first ?? "?"})`
            : `failed (${r.status})`,
      "cpu s": r.cpuSeconds.toFixed(1),
      "x dbt build": "",
      load: r.load,
    });
  }
  for (const row of rows.filter((r) => r.models === n && r.contender in seconds)) {
    const s = seconds[row.contender];
    row["x dbt build"] = s !== null && seconds.dbt ? `${(s / seconds.dbt).toFixed(2)}x` : "-";
  }
  process.stderr.write("\n");
  console.log(
    table(
      rows.filter((r) => r.models === n),
      Object.keys(rows[0]),
    ),
  );
}
const text = table(rows, Object.keys(rows[0]));
console.log(`\n${text}\n\nreproduce: ${reproduce}`);
saveReport(
  values["work-name"],
  [
    "## Run speed: a whole dbt project by plain dbt, floe Airflow (build / per-model), Cosmos (local / watcher), floe Dagster",
    "",
    "```",
    ...header,
    "```",
    "",
    text,
    "",
    "Wall seconds of one end-to-end run (`dbt build`; `airflow dags test <dag>`; `dagster asset materialize --select '*'`), each from a fresh DuckDB file, on the synthetic project of bench/lib/run-project.mjs (views and tables, light SQL, a not_null test on every fifth model; profile threads 1); `x dbt build`: wall time over plain `dbt build`'s at that size. OpenLineage off. Target: floe Airflow build mode <= 1.3x `dbt build` at 200 models and faster than Cosmos's fastest mode.",
    "",
    `Reproduce: \`${reproduce}\``,
    "",
  ].join("\n"),
);
