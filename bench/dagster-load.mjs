#!/usr/bin/env node
// `dagster definitions validate` on floe's generated Dagster code location against a hand-written minimal
// `@dbt_assets` code location (what the dagster-dbt docs start from), on the same synthetic dbt manifest,
// in the same run, alternating the two. Prints numbers; asserts nothing.
// Reproduce: pnpm build && node bench/dagster-load.mjs [--sizes 1000,2500] [--repeat 1]
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureManifest, PROJECT, WORK_DIR } from "./lib/synthetic-manifest.mjs";
import { FLOE, machine, measure, saveReport, secs, table, venvPath } from "./lib/measure.mjs";

const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,2500" }, repeat: { type: "string", default: "1" } } });
const sizes = values.sizes.split(",").map(Number);
const repeat = Number(values.repeat);
const reproduce = `pnpm build && node bench/dagster-load.mjs --sizes ${values.sizes} --repeat ${repeat}`;

const venv = venvPath("dagster");
const header = machine({ python: ["dagster"] });
console.log(header.join("\n"));

const baselineCode = (projectDir) => `from pathlib import Path

from dagster import AssetExecutionContext, Definitions
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

project = DbtProject(project_dir=Path(${JSON.stringify(projectDir)}))


@dbt_assets(manifest=project.manifest_path, project=project)
def bench_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


defs = Definitions(assets=[bench_dbt_assets], resources={"dbt": DbtCliResource(project_dir=project)})
`;

/** A dbt project directory holding only what loading needs: dbt_project.yml, profiles.yml, target/manifest.json. */
function dbtProject(dir, manifest) {
  mkdirSync(join(dir, "target"), { recursive: true });
  copyFileSync(manifest, join(dir, "target", "manifest.json"));
  writeFileSync(join(dir, "dbt_project.yml"), `name: ${PROJECT}\nversion: "1.0.0"\nconfig-version: 2\nprofile: ${PROJECT}\n`);
  writeFileSync(
    join(dir, "profiles.yml"),
    `${PROJECT}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${join(dir, "bench.duckdb")}\n`,
  );
}

/** `dagster definitions validate` of a target: the baseline's file (`-f`), floe's package (`-m <module> -d <out>`). */
function validate(target, work) {
  const env = {
    ...process.env,
    PATH: `${join(venv, "bin")}:${process.env.PATH}`,
    DAGSTER_HOME: join(work, "dagster-home"),
    DBT_PROFILES_DIR: join(work, "dbt"),
  };
  mkdirSync(env.DAGSTER_HOME, { recursive: true });
  const r = measure(join(venv, "bin/dagster"), ["definitions", "validate", ...target.args], { cwd: target.cwd, env });
  if (r.status !== 0)
    throw new Error(`dagster definitions validate failed for ${target.args.join(" ")}:\n${(r.stderr + r.stdout).slice(-3000)}`);
  return r;
}

const rows = [];
const median = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
for (const n of sizes) {
  const work = join(WORK_DIR, "dagster-load", String(n));
  rmSync(work, { recursive: true, force: true });
  const manifest = ensureManifest(n);
  dbtProject(join(work, "dbt"), manifest);
  const artifacts = join(work, "compiled_artifacts.json");
  const steps = [
    [FLOE, "artifacts", "from-dbt", manifest, "--product", "bench", "--out", artifacts],
    [FLOE, "generate", artifacts, "--orchestrator", "dagster", "--out", join(work, "floe"), "--dbt-project", join(work, "dbt")],
  ];
  for (const args of steps) {
    const r = measure(process.execPath, args);
    if (r.status !== 0) throw new Error(`${args.slice(1, 3).join(" ")} failed: ${r.stderr}`);
  }
  mkdirSync(join(work, "baseline"), { recursive: true });
  writeFileSync(join(work, "baseline", "definitions.py"), baselineCode(join(work, "dbt")));
  const assets = JSON.parse(readFileSync(artifacts, "utf8")).transforms.models.length;

  // Warm the OS file cache and Python bytecode once (not timed), then alternate.
  process.stderr.write(`[${n}] warm-up… `);
  const baseline = { args: ["-f", join(work, "baseline", "definitions.py")], cwd: join(work, "baseline") };
  // floe's output is the package floe_bench/ (dagsterPackageName of the product "bench"), loaded as a module.
  const floe = { args: ["-m", "floe_bench.definitions", "-d", join(work, "floe")], cwd: join(work, "floe") };
  validate(baseline, work);
  const ours = [];
  const base = [];
  // Pairs run in ABBA order (baseline first, then floe first, ...), so a drift in machine load
  // weighs on both sides alike; each pair gives one ratio.
  const runBaseline = () => {
    process.stderr.write("baseline… ");
    base.push(validate(baseline, work));
  };
  const runFloe = () => {
    process.stderr.write("floe… ");
    ours.push(validate(floe, work));
  };
  for (let i = 0; i < repeat; i++) {
    if (i % 2 === 0) runBaseline(), runFloe();
    else runFloe(), runBaseline();
  }
  process.stderr.write("\n");
  const b = median(base);
  const o = median(ours);
  const pairRatios = (key) => ours.map((r, i) => r[key] / base[i][key]).sort((x, y) => x - y);
  const spread = (ratios) =>
    `${ratios[Math.floor(ratios.length / 2)].toFixed(2)} (${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)})`;
  rows.push({
    models: n,
    "floe assets": assets,
    "baseline s": secs(b.seconds),
    "baseline cpu s": secs(b.cpuSeconds),
    "floe s": secs(o.seconds),
    "floe cpu s": secs(o.cpuSeconds),
    "floe/baseline (wall)": (o.seconds / b.seconds).toFixed(2),
    "floe/baseline (cpu)": (o.cpuSeconds / b.cpuSeconds).toFixed(2),
    "pair ratio wall, median (range)": spread(pairRatios("seconds")),
    "pair ratio cpu, median (range)": spread(pairRatios("cpuSeconds")),
    "floe peak RSS MiB": o.rssMb.toFixed(0),
    "baseline peak RSS MiB": b.rssMb.toFixed(0),
    load: `${b.load} / ${o.load}`,
  });
}

const text = table(rows, Object.keys(rows[0]));
console.log(`\n${text}\n\ntarget: floe/baseline <= 1.1\nreproduce: ${reproduce}`);
saveReport(
  "dagster-load",
  [
    "## Dagster: `dagster definitions validate`, floe's code location vs a minimal `@dbt_assets` one",
    "",
    "```",
    ...header,
    "```",
    "",
    text,
    "",
    `Each number is the median of ${repeat} run(s) of \`dagster definitions validate\` (\`-f definitions.py\` for the baseline, \`-m floe_bench.definitions -d <out>\` for floe's package) in a fresh process (Python start, imports, manifest load, Definitions validation), after one untimed warm-up; the two code locations alternate in ABBA order. "floe/baseline" divides the medians; "pair ratio" is the median (and range) of the ratios of each back-to-back pair. Baseline: \`@dbt_assets(manifest=project.manifest_path, project=project)\` with dagster-dbt's default selection and translator. Target: floe/baseline <= 1.1. load: load average at the start of the baseline / floe runs.`,
    "",
    `Reproduce: \`${reproduce}\``,
    "",
  ].join("\n"),
);
