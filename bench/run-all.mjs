#!/usr/bin/env node
// Runs every benchmark once, one after the other, and rewrites the measured part of bench/RESULTS.md
// (between the bench:begin/bench:end markers; the notes around it are kept).
// Reproduce: pnpm build && node bench/run-all.mjs [--only cli-scaling,dagster-load,airflow-parse,run-speed,discovery,lineage-throughput]
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { machine, ROOT, saveReport } from "./lib/measure.mjs";

const { values } = parseArgs({ options: { only: { type: "string" } } });
// Heavy ones last-but-not-least: the Python ones are the longest.
const benches = [
  { name: "cli-scaling", args: [] },
  { name: "dagster-load", args: ["--repeat", "5"] },
  { name: "airflow-parse", args: [] },
  // Real dbt runs through Airflow, Cosmos and Dagster: the longest by far (per-model modes at 500 models: hours here).
  { name: "run-speed", args: ["--sizes", "50,200"] },
  // Written by other parts of the project; wrapped here when present. Their stdout becomes their section.
  { name: "discovery", args: [], foreign: true },
  { name: "lineage-throughput", args: [], foreign: true },
];
const only = values.only?.split(",");
const reports = join(ROOT, "bench/.work/reports");

for (const bench of benches) {
  if (only && !only.includes(bench.name)) continue;
  const script = join(ROOT, "bench", `${bench.name}.mjs`);
  if (!existsSync(script)) {
    console.log(`== ${bench.name}: bench/${bench.name}.mjs not present, skipped`);
    continue;
  }
  console.log(`== ${bench.name}`);
  rmSync(join(reports, `${bench.name}.md`), { force: true });
  const started = performance.now();
  const result = spawnSync(process.execPath, [script, ...bench.args], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 << 20,
  });
  process.stdout.write(result.stdout);
  const minutes = ((performance.now() - started) / 60000).toFixed(1);
  if (result.status !== 0) {
    saveReport(
      bench.name,
      `## ${bench.name}\n\nFAILED (exit ${result.status}) after ${minutes} min; see the output of \`node bench/${bench.name}.mjs\`.\n`,
    );
  } else if (bench.foreign || !existsSync(join(reports, `${bench.name}.md`))) {
    saveReport(
      bench.name,
      `## ${bench.name}\n\n\`\`\`\n${result.stdout.trim()}\n\`\`\`\n\nReproduce: \`pnpm build && node bench/${bench.name}.mjs\`\n`,
    );
  }
}

const sections = benches
  .map((b) => join(reports, `${b.name}.md`))
  .filter((file) => existsSync(file))
  .map((file) => readFileSync(file, "utf8").trim());
const generated = [
  "<!-- bench:begin (rewritten by `node bench/run-all.mjs`; edit outside these markers) -->",
  "",
  `Last full run on: ${machine()[0]}`,
  "",
  ...sections.flatMap((s) => [s, ""]),
  "<!-- bench:end -->",
].join("\n");
const resultsFile = join(ROOT, "bench/RESULTS.md");
const current = existsSync(resultsFile)
  ? readFileSync(resultsFile, "utf8")
  : "# Benchmark results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n";
const begin = current.indexOf("<!-- bench:begin");
const end = current.indexOf("<!-- bench:end -->");
const next =
  begin >= 0 && end > begin
    ? current.slice(0, begin) + generated + current.slice(end + "<!-- bench:end -->".length)
    : `${current.trimEnd()}\n\n${generated}\n`;
writeFileSync(resultsFile, next);
console.log(`updated ${resultsFile}`);
