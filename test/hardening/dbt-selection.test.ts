// Model names reach dbt's node-selector grammar (`--select <name>`, both plugins). The real dbt shows
// that names it accepts at parse time select other models than themselves; `floe generate` refuses
// them (exit 2, one line at the field, nothing written), while a plain name selects exactly itself.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, floe, tempDir, treeSnapshot } from "./support.js";
import { dagsterDefinitionsModule } from "floe-test-utils/dagster-output";

// Each is a legal dbt model name (dbt 1.11 parses the project); what `--select <name>` picks instead.
const HOSTILE = [
  { name: "jaffle_shop", why: "the package's name: every model of the package" },
  { name: "staging", why: "a folder's name: every model in models/staging" },
  { name: "tag:daily", why: "a method: the models tagged daily, not itself" },
  { name: "stg_orders+", why: "a graph operator: stg_orders and its descendants, not itself" },
];

let project: string;
let env: NodeJS.ProcessEnv;
let dbt: string;
let python: string;

// Imports a generated package's definitions module from its output directory (argv[1], module argv[2]) as
// Dagster does; prints its dbt selection and the assets it declares.
const LOAD_PY = `import importlib, json, sys
sys.path.insert(0, sys.argv[1])
g = importlib.import_module(sys.argv[2])
graph = g.defs.resolve_asset_graph()
assets = sorted(k.path[-1] for k in graph.get_all_asset_keys() if graph.get(k).is_materializable)
print(json.dumps({"select": g.SELECT, "exclude": g.EXCLUDE, "assets": assets}))`;

function dbtSelect(selector: string): string[] {
  const args = [
    "--quiet",
    "ls",
    "--profiles-dir",
    project,
    "--project-dir",
    project,
    "--resource-type",
    "model",
    "--output",
    "name",
    "--select",
    selector,
  ];
  const result = spawnSync(dbt, args, { cwd: project, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`dbt ls --select ${selector} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .sort();
}

beforeAll(() => {
  const venv = execFileSync(join(ROOT, "scripts", "python-env.sh"), ["dagster"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  dbt = join(venv, "bin", "dbt");
  python = join(venv, "bin", "python");
  const dir = tempDir("dbt-selection");
  project = join(dir, "jaffle_shop");
  cpSync(join(ROOT, "examples", "jaffle_shop"), project, {
    recursive: true,
    filter: (src) => !/[\\/](target|logs)$|\.duckdb(\.wal)?$/.test(src),
  });
  for (const { name } of HOSTILE) writeFileSync(join(project, "models", "marts", `${name}.sql`), "select 1 as id\n");
  env = { ...process.env, FLOE_DUCKDB_PATH: join(dir, "warehouse.duckdb"), DBT_SEND_ANONYMOUS_USAGE_STATS: "false" };
  const parse = spawnSync(dbt, ["parse", "--profiles-dir", project, "--project-dir", project], { cwd: project, env, encoding: "utf8" });
  if (parse.status !== 0) throw new Error(`dbt parse failed:\n${parse.stdout}\n${parse.stderr}`);
});

describe("model names in dbt's --select (real dbt)", () => {
  it("dbt accepts the hostile names, and selecting each by name picks other models", () => {
    const all = dbtSelect("fqn:*");
    for (const { name } of HOSTILE) expect(all).toContain(name);
    for (const { name, why } of HOSTILE) expect(dbtSelect(name), `${name}: ${why}`).not.toEqual([name]);
    expect(dbtSelect("jaffle_shop")).toEqual(all);
    expect(dbtSelect("staging")).toEqual(["order_payments", "staging", "stg_customers", "stg_orders", "stg_payments"]);
  });

  it("a plain name selects exactly its model", () => {
    expect(dbtSelect("orders")).toEqual(["orders"]);
    expect(dbtSelect("stg_orders")).toEqual(["stg_orders"]);
  });

  it("floe generate refuses each hostile name for both orchestrators: exit 2, one line at the field, nothing written", () => {
    const dir = tempDir("dbt-selection-gen");
    const manifest = join(project, "target", "manifest.json");
    const base = join(dir, "artifacts.json");
    const made = floe([
      "artifacts",
      "from-dbt",
      manifest,
      "--product",
      "jaffle_shop",
      "--compiled-at",
      "2026-01-01T00:00:00Z",
      "--out",
      base,
    ]);
    expect(made.status, made.stderr).toBe(0);
    const artifacts = JSON.parse(readFileSync(base, "utf8")) as { transforms: { models: Array<{ name: string }> } };
    for (const { name } of HOSTILE) {
      // Only this hostile model stays (the others become plain), so the refusal is about this name.
      const one = structuredClone(artifacts);
      one.transforms.models.forEach((m) => {
        if (m.name !== name && HOSTILE.some((h) => h.name === m.name)) m.name = `plain_${one.transforms.models.indexOf(m)}`;
      });
      const index = one.transforms.models.findIndex((m) => m.name === name);
      expect(index).toBeGreaterThanOrEqual(0);
      const file = join(dir, `artifacts-${index}.json`);
      writeFileSync(file, JSON.stringify(one));
      for (const orchestrator of ["airflow", "dagster"]) {
        const out = join(dir, `out-${orchestrator}-${index}`);
        const result = floe(["generate", file, "--orchestrator", orchestrator, "--out", out, "--dbt-project", project]);
        expect(result.status, `${orchestrator} ${name}: ${result.stdout}${result.stderr}`).toBe(2);
        const lines = result.stderr.trim().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          new RegExp(
            `^floe: FLOE_ARTIFACTS_INVALID at transforms\\.models\\[${index}\\]\\.name: model name ${escapeRegExp(JSON.stringify(name))}`,
          ),
        );
        expect(existsSync(out)).toBe(false);
      }
    }
    expect(Object.keys(treeSnapshot(dir)).filter((p) => p.startsWith("out-"))).toEqual([]);
  });

  it("without them, both generate; Dagster's manifest mode names the kept models rather than exclude hostile ones", () => {
    const dir = tempDir("dbt-selection-ok");
    const manifest = join(project, "target", "manifest.json");
    const file = join(dir, "artifacts.json");
    expect(
      floe(["artifacts", "from-dbt", manifest, "--product", "jaffle_shop", "--compiled-at", "2026-01-01T00:00:00Z", "--out", file]).status,
    ).toBe(0);
    const artifacts = JSON.parse(readFileSync(file, "utf8")) as { transforms: { models: Array<{ name: string }> } };
    artifacts.transforms.models = artifacts.transforms.models.filter((m) => !HOSTILE.some((h) => h.name === m.name));
    const kept = artifacts.transforms.models.map((m) => m.name).sort();
    writeFileSync(file, JSON.stringify(artifacts));
    for (const orchestrator of ["airflow", "dagster"]) {
      const result = floe(["generate", file, "--orchestrator", orchestrator, "--out", join(dir, orchestrator), "--dbt-project", project]);
      expect(result.status, result.stderr).toBe(0);
    }
    // The left-out models are the hostile ones: excluding them by name (`--exclude jaffle_shop …`)
    // would drop the whole package. Dagster with the real dagster-dbt must declare exactly the product.
    const loadEnv = {
      ...env,
      PATH: `${dirname(dbt)}:${env.PATH ?? ""}`,
      DAGSTER_HOME: tempDir("dbt-selection-home"),
      DAGSTER_DISABLE_TELEMETRY: "1",
    };
    const load = spawnSync(python, ["-c", LOAD_PY, join(dir, "dagster"), dagsterDefinitionsModule(join(dir, "dagster"))], {
      cwd: dir,
      env: loadEnv,
      encoding: "utf8",
    });
    expect(load.status, load.stderr.slice(-6000)).toBe(0);
    const loaded = JSON.parse(load.stdout) as { select: string; exclude: string | null; assets: string[] };
    expect(loaded.exclude).toBeNull();
    expect(loaded.select.split(" ").sort()).toEqual(kept);
    expect(loaded.assets).toEqual(kept);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
