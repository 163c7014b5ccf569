#!/usr/bin/env node
// DagBag parse time of floe's generated Airflow DAG against astronomer-cosmos DbtDag (LoadMode.DBT_MANIFEST,
// ExecutionMode.LOCAL: no dbt runs at parse time) on the same synthetic dbt manifest (bench/lib/synthetic-manifest.mjs;
// floe's side goes through the CLI: `floe artifacts from-dbt` then `floe generate --orchestrator airflow`).
// --floe-only sizes time floe's DAG alone under Airflow's default 30 s DagBag import timeout.
// Prints numbers; not a test.
// Reproduce: pnpm build && node bench/airflow-parse.mjs [--sizes 500,2000] [--repeat 3] [--floe-only 10000]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureManifest, PROJECT, WORK_DIR } from "./lib/synthetic-manifest.mjs";
import { FLOE, load, machine, measure, ROOT as root, saveReport, table } from "./lib/measure.mjs";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "500,2000" },
    repeat: { type: "string", default: "3" },
    "floe-only": { type: "string", default: "10000" },
  },
});
const sizes = values.sizes.split(",").filter(Boolean).map(Number);
const floeOnly = values["floe-only"].split(",").filter(Boolean).map(Number);
const repeat = Number(values.repeat);
const project = PROJECT;
const reproduce = `pnpm build && node bench/airflow-parse.mjs --sizes ${values.sizes} --repeat ${repeat} --floe-only ${values["floe-only"]}`;

function cosmosDag(projectDir, manifestPath, profilesPath) {
  return `from cosmos import DbtDag, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, LoadMode

dag = DbtDag(
    dag_id="cosmos_${project}",
    schedule=None,
    catchup=False,
    project_config=ProjectConfig(manifest_path=${JSON.stringify(manifestPath)}, project_name=${JSON.stringify(project)}),
    profile_config=ProfileConfig(profile_name=${JSON.stringify(project)}, target_name="dev", profiles_yml_filepath=${JSON.stringify(profilesPath)}),
    execution_config=ExecutionConfig(execution_mode=ExecutionMode.LOCAL, dbt_project_path=${JSON.stringify(projectDir)}),
    render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST),
)
`;
}

const venv = execFileSync("bash", [join(root, "scripts/python-env.sh"), "airflow"], { encoding: "utf8" }).trim();
const work = join(WORK_DIR, "airflow-parse");
rmSync(work, { recursive: true, force: true });
const baseEnv = {
  ...process.env,
  AIRFLOW_HOME: join(work, "airflow-home"),
  AIRFLOW__CORE__LOAD_EXAMPLES: "False",
  AIRFLOW__COSMOS__ENABLE_CACHE: "False",
};

/** One DagBag fill of `folder` in a fresh process, after parsing `warmup` (a small DAG of the same kind) untimed. */
function parseOnce(warmup, folder, timeout = "600") {
  const env = { ...baseEnv, AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT: timeout };
  const loadBefore = load();
  const out = execFileSync(join(venv, "bin/python"), [join(root, "bench/airflow-parse.py"), warmup, folder], {
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const result = JSON.parse(out.trim().split("\n").pop());
  if (Object.keys(result.import_errors).length > 0) throw new Error(`import errors in ${folder}: ${JSON.stringify(result.import_errors)}`);
  return { ...result, load: loadBefore };
}

const median = (runs) => runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];

/** Alternates the two sides run by run, so a busy machine slows both alike. */
function timeBoth(warm, dirs, times) {
  const floe = [];
  const cosmos = [];
  for (let r = 0; r < times; r++) {
    floe.push(parseOnce(warm.floeDags, dirs.floeDags));
    cosmos.push(parseOnce(warm.cosmosDags, dirs.cosmosDags));
  }
  return { floe: median(floe), cosmos: median(cosmos) };
}

/** The dbt project (dbt_project.yml, profiles.yml, target/manifest.json) and floe's generated DAG folder. */
function prepare(n) {
  const dir = join(work, `n${n}`);
  const projectDir = join(dir, "dbt");
  const floeDags = join(dir, "floe-dags");
  for (const d of [projectDir, join(projectDir, "target")]) mkdirSync(d, { recursive: true });
  const manifestPath = join(projectDir, "target", "manifest.json");
  writeFileSync(manifestPath, readFileSync(ensureManifest(n)));
  writeFileSync(join(projectDir, "dbt_project.yml"), `name: ${project}\nversion: "1.0.0"\nconfig-version: 2\nprofile: ${project}\n`);
  const profilesPath = join(projectDir, "profiles.yml");
  writeFileSync(
    profilesPath,
    `${project}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${join(dir, "bench.duckdb")}\n`,
  );
  const artifacts = join(dir, "compiled_artifacts.json");
  for (const args of [
    ["artifacts", "from-dbt", manifestPath, "--product", "bench", "--out", artifacts],
    ["generate", artifacts, "--orchestrator", "airflow", "--out", join(dir, "floe-out"), "--dbt-project", projectDir],
  ]) {
    const r = measure(process.execPath, [FLOE, ...args]);
    if (r.status !== 0) throw new Error(`floe ${args.slice(0, 2).join(" ")} failed: ${r.stderr}`);
  }
  // Only the DAG modules go in the DAG folder (values.yaml is for the chart).
  mkdirSync(floeDags, { recursive: true });
  for (const file of readdirSync(join(dir, "floe-out")))
    if (file.endsWith(".py")) copyFileSync(join(dir, "floe-out", file), join(floeDags, file));
  const cosmosDags = join(dir, "cosmos-dags");
  mkdirSync(cosmosDags, { recursive: true });
  writeFileSync(join(cosmosDags, "cosmos_dag.py"), cosmosDag(projectDir, manifestPath, profilesPath));
  return { floeDags, cosmosDags };
}

const header = machine({ python: ["airflow"] });
console.log(header.join("\n"));
const rows = [];
try {
  process.stderr.write("warm-up DAGs (10 models)… ");
  const warm = prepare(10);
  process.stderr.write("\n");
  for (const n of sizes) {
    process.stderr.write(`[${n}] prepare… `);
    const dirs = prepare(n);
    const times = n >= 2000 ? 1 : repeat;
    process.stderr.write("floe and cosmos… ");
    const { floe, cosmos } = timeBoth(warm, dirs, times);
    process.stderr.write("\n");
    rows.push({
      models: n,
      runs: times,
      "floe tasks": floe.tasks,
      "floe s": floe.seconds.toFixed(3),
      "cosmos tasks": cosmos.tasks,
      "cosmos s": cosmos.seconds.toFixed(3),
      "cosmos/floe": `${(cosmos.seconds / floe.seconds).toFixed(1)}x`,
      load: `${floe.load} / ${cosmos.load}`,
    });
  }
  for (const n of floeOnly) {
    process.stderr.write(`[${n}] prepare… `);
    const { floeDags } = prepare(n);
    process.stderr.write("floe (default 30 s import timeout)…\n");
    const floe = parseOnce(warm.floeDags, floeDags, "30");
    rows.push({
      models: n,
      runs: 1,
      "floe tasks": floe.tasks,
      "floe s": floe.seconds.toFixed(3),
      "cosmos tasks": "-",
      "cosmos s": "not run",
      "cosmos/floe": "-",
      load: floe.load,
    });
  }
  const text = table(rows, Object.keys(rows[0]));
  console.log(`\n${text}\n\nreproduce: ${reproduce}`);
  saveReport(
    "airflow-parse",
    [
      "## Airflow: DagBag parse time, floe's DAG vs Cosmos `DbtDag` (manifest load mode)",
      "",
      "```",
      ...header,
      "```",
      "",
      text,
      "",
      `Seconds to fill a DagBag with the DAG folder in a fresh Python process, Airflow, its standard provider and Cosmos imported before the clock starts and a 10-model DAG of the same kind parsed untimed first (bench/airflow-parse.py); the two sides alternate; median of ${repeat} runs below 2,000 models, one run at 2,000 and above. Cosmos: \`DbtDag\` with \`LoadMode.DBT_MANIFEST\`, \`ExecutionMode.LOCAL\`, cache off. The ${floeOnly.join(", ")}-model row runs with Airflow's default 30 s DAG-file import timeout (\`AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT=30\`): it passing means no import error. Targets: cosmos/floe >= 5x at 2,000 models; the 10,000-model DAG under 30 s. load: load average at the start of the floe / cosmos runs.`,
      "",
      `Reproduce: \`${reproduce}\``,
      "",
    ].join("\n"),
  );
} finally {
  for (const n of [...sizes, ...floeOnly]) rmSync(join(work, `n${n}`, "dbt", "target"), { recursive: true, force: true });
  rmSync(join(work, "n10"), { recursive: true, force: true });
}
