#!/usr/bin/env node
// Run speed of a whole dbt project end to end, by every way of running it on this machine: plain
// `dbt build`; floe's Airflow DAG in its build mode (one dbt invocation, model tasks report its results)
// and in its per-model mode (one dbt process per model task); astronomer-cosmos `DbtDag` in its local
// mode and its watcher mode; floe's Dagster code location (`dagster asset materialize --select '*'`).
// The Airflow ones run with `airflow dags test` (one process, tasks in order), all on the same synthetic
// DuckDB project (bench/lib/run-project.mjs: light SQL, real dependencies, a not_null test on every
// fifth model), each on a fresh DuckDB file, the project parsed once beforehand (partial parsing warm).
// Prints wall seconds and ratios to plain `dbt build`; not a test.
// Reproduce: pnpm build && node bench/run-speed.mjs [--sizes 50,200,500] [--contenders all|name,name]
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeRunProject } from "./lib/run-project.mjs";
import { FLOE, machine, measure, saveReport, table, venvPath } from "./lib/measure.mjs";
import { WORK_DIR } from "./lib/synthetic-manifest.mjs";

const CONTENDERS = ["dbt", "floe-airflow-build", "floe-airflow-per-model", "cosmos-local", "cosmos-watcher", "floe-dagster"];
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "50,200,500" },
    contenders: { type: "string", default: "all" },
    "timeout-minutes": { type: "string", default: "60" },
    // Several runs side by side need their own work directories (each has its Airflow database).
    "work-name": { type: "string", default: "run-speed" },
  },
});
const sizes = values.sizes.split(",").filter(Boolean).map(Number);
const contenders = values.contenders === "all" ? CONTENDERS : values.contenders.split(",");
for (const c of contenders) if (!CONTENDERS.includes(c)) throw new Error(`unknown contender ${c}: one of ${CONTENDERS.join(", ")}`);
const timeoutMs = Number(values["timeout-minutes"]) * 60_000;
const reproduce = `pnpm build && node bench/run-speed.mjs --sizes ${values.sizes} --contenders ${values.contenders}`;

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

function cosmosDag(dagId, mode, projectDir, manifestPath, profilesPath) {
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
`;
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
  ]) {
    if (!contenders.includes(name)) continue;
    const dags = join(dir, `${name}-dags`);
    mkdirSync(dags, { recursive: true });
    const dagId = `rs${n}_${name.replace("-", "_")}`;
    writeFileSync(join(dags, "cosmos_dag.py"), cosmosDag(dagId, mode, project, manifest, join(project, "profiles.yml")));
    out[name] = { dagId, dags };
  }
  return { dir, project, out };
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
  return measure(join(airflowVenv, "bin/airflow"), ["dags", "test", out[name].dagId], { cwd: dir, env, timeout: timeoutMs });
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
    process.stderr.write(`${name}… `);
    const r = runOne(name, n, prepared);
    const ok = r.status === 0 && existsSync(join(prepared.dir, `${name}.duckdb`));
    seconds[name] = ok ? r.seconds : null;
    if (!ok) process.stderr.write(`(failed: exit ${r.status}) ${r.stderr.slice(-1500)} ${r.stdout.slice(-1500)}\n`);
    rows.push({
      models: n,
      contender: name,
      "wall s": ok ? r.seconds.toFixed(1) : `failed (${r.status})`,
      "cpu s": r.cpuSeconds.toFixed(1),
      "x dbt build": "",
      load: r.load,
    });
  }
  for (const row of rows.filter((r) => r.models === n)) {
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
