// The main job on the bundled example: generate the Dagster code location for examples/jaffle_shop
// from its committed CompiledArtifacts. Needs only Node (and `pnpm build`); Python comes in when you load it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join("out", "dagster");
const result = spawnSync(
  process.execPath,
  [
    join(root, "packages", "floe-core", "bin", "floe.js"),
    "generate",
    join("examples", "jaffle_shop", "compiled_artifacts.json"),
    "--orchestrator",
    "dagster",
    "--out",
    out,
    "--dbt-project",
    join("examples", "jaffle_shop"),
  ],
  { cwd: root, stdio: "inherit" },
);
if (result.status !== 0) process.exit(result.status ?? 1);

const where = relative(process.cwd(), join(root, out)) || ".";
// The package's definitions module, as the generated workspace.yaml names it (floe_<product>.definitions).
const module = /^\s+module_name: (\S+)$/m.exec(readFileSync(join(root, out, "workspace.yaml"), "utf8"))[1];
const pkg = module.split(".")[0];
console.log(`
The Dagster code location is in ${where}/: the package ${pkg}/ (definitions.py, lineage.py),
workspace.yaml, compiled_artifacts.json. Load it in Dagster (a Python environment with dagster,
dagster-webserver, dagster-dbt and dbt-duckdb; \`scripts/python-env.sh dagster\` prints one):

  dagster dev -m ${module} -d ${where}
  (or, in ${where}/: dagster dev -w workspace.yaml)

\`dagster dev\` runs \`dbt parse\` for the example first; the DuckDB file lands in examples/jaffle_shop/.`);
