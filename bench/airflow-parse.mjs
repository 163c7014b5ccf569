#!/usr/bin/env node
// DagBag parse time of floe's generated Airflow DAG against astronomer-cosmos DbtDag (LoadMode.DBT_MANIFEST,
// ExecutionMode.LOCAL: no dbt runs at parse time) on the same synthetic dbt manifest. Prints numbers; not a test.
// Reproduce: pnpm build && node bench/airflow-parse.mjs [--sizes 500,2000] [--repeat 3]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { AirflowPlugin } = await import(join(root, "packages/floe-orchestrator-airflow/dist/index.js"));
const { values } = parseArgs({ options: { sizes: { type: "string", default: "500,2000" }, repeat: { type: "string", default: "3" } } });
const sizes = values.sizes.split(",").map(Number);
const repeat = Number(values.repeat);
const project = "bench_shop";

/** A deterministic dbt manifest: model i depends on models i-1 and floor(i/2) (a layered, branching DAG). */
function synthesizeManifest(n) {
  const nodes = {};
  for (let i = 0; i < n; i++) {
    const name = `model_${String(i).padStart(5, "0")}`;
    const deps = i === 0 ? [] : [...new Set([i - 1, Math.floor(i / 2)])].map((j) => `model.${project}.model_${String(j).padStart(5, "0")}`);
    nodes[`model.${project}.${name}`] = {
      unique_id: `model.${project}.${name}`,
      resource_type: "model",
      package_name: project,
      name,
      alias: name,
      schema: "main",
      fqn: [project, name],
      path: `${name}.sql`,
      original_file_path: `models/${name}.sql`,
      tags: i % 10 === 0 ? ["daily"] : [],
      config: { materialized: "table", tags: [] },
      depends_on: { nodes: deps, macros: [] },
    };
  }
  return { metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json", project_name: project }, nodes, sources: {}, exposures: {} };
}

/** The same models as floe CompiledArtifacts (what `floe artifacts from-dbt` produces from a manifest). */
function artifactsFrom(manifest) {
  const models = Object.values(manifest.nodes).map((node) => ({
    name: node.name,
    compute: "duckdb",
    tags: node.tags,
    depends_on: node.depends_on.nodes.map((id) => id.split(".").pop()),
    path: node.original_file_path,
    materialization: node.config.materialized,
    unique_id: node.unique_id,
  }));
  return {
    version: "0.10.0",
    metadata: { compiled_at: "2026-10-01T12:00:00+00:00", floe_version: "0.10.0", source_hash: "bench", product_name: project, product_version: "1.0.0" },
    identity: { product_id: project, domain: "bench", repository: "bench" },
    observability: { lineage: false },
    transforms: { models, default_compute: "duckdb" },
  };
}

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
const work = mkdtempSync(join(tmpdir(), "floe-bench-airflow-"));
const env = {
  ...process.env,
  AIRFLOW_HOME: join(work, "airflow-home"),
  AIRFLOW__CORE__LOAD_EXAMPLES: "False",
  AIRFLOW__COSMOS__ENABLE_CACHE: "False",
  AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT: "600",
};

function parseOnce(warmup, folder) {
  const out = execFileSync(join(venv, "bin/python"), [join(root, "bench/airflow-parse.py"), warmup, folder], { env, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] });
  const result = JSON.parse(out.trim().split("\n").pop());
  if (Object.keys(result.import_errors).length > 0) throw new Error(`import errors in ${folder}: ${JSON.stringify(result.import_errors)}`);
  return result;
}

const median = (runs) => runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];

/** Alternates the two sides run by run, so a busy machine slows both alike. */
function timeBoth(warm, dirs) {
  const floe = [];
  const cosmos = [];
  for (let r = 0; r < repeat; r++) {
    floe.push(parseOnce(warm.floeDags, dirs.floeDags));
    cosmos.push(parseOnce(warm.cosmosDags, dirs.cosmosDags));
  }
  return { floe: median(floe), cosmos: median(cosmos) };
}

try {
  console.log(`DagBag parse time, median of ${repeat} fresh processes (libraries imported and a 2-model DAG of the same kind parsed before timing)`);
  console.log("models  floe tasks  floe (s)  cosmos tasks  cosmos (s)  cosmos/floe");
  const prepare = (n) => {
    const dir = join(work, `n${n}`);
    const projectDir = join(dir, "dbt");
    const floeDags = join(dir, "floe-dags");
    const cosmosDags = join(dir, "cosmos-dags");
    for (const d of [projectDir, join(projectDir, "target"), floeDags, cosmosDags]) mkdirSync(d, { recursive: true });
    const manifest = synthesizeManifest(n);
    const manifestPath = join(projectDir, "target", "manifest.json");
    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeFileSync(join(projectDir, "dbt_project.yml"), `name: ${project}\nversion: "1.0.0"\nconfig-version: 2\nprofile: ${project}\n`);
    const profilesPath = join(projectDir, "profiles.yml");
    writeFileSync(profilesPath, `${project}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${join(dir, "bench.duckdb")}\n`);
    const plugin = new AirflowPlugin({ dbtProjectDir: projectDir, dbtProfilesDir: projectDir });
    const files = plugin.createDefinitions(artifactsFrom(manifest)).render();
    for (const file of files) writeFileSync(join(floeDags, file.path), file.content);
    writeFileSync(join(cosmosDags, "cosmos_dag.py"), cosmosDag(projectDir, manifestPath, profilesPath));
    return { floeDags, cosmosDags };
  };
  const warm = prepare(2);
  for (const n of sizes) {
    const { floe, cosmos } = timeBoth(warm, prepare(n));
    console.log(
      `${String(n).padStart(6)}  ${String(floe.tasks).padStart(10)}  ${floe.seconds.toFixed(3).padStart(8)}  ${String(cosmos.tasks).padStart(12)}  ${cosmos.seconds.toFixed(3).padStart(10)}  ${(cosmos.seconds / floe.seconds).toFixed(1).padStart(10)}x`,
    );
  }
  console.log("reproduce: pnpm build && node bench/airflow-parse.mjs --sizes " + sizes.join(",") + " --repeat " + repeat);
} finally {
  rmSync(work, { recursive: true, force: true });
}
