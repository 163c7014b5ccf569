#!/usr/bin/env node
// Times plugin discovery in a project with 1,000 installed dependencies (half in npm's flat layout,
// half in pnpm's symlinked one, a tenth of them scoped, 10 of them plugins) and proves that listing
// imported no plugin module. Prints numbers; asserts nothing about time.
//
// Reproduce: pnpm build && node bench/discovery.mjs [runs]
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { cpus, loadavg } from "node:os";

const repo = fileURLToPath(new URL("..", import.meta.url));
const DEPENDENCIES = 1000;
const PLUGINS = 10;
const LAYOUT_VERSION = 1;
const runs = Number(process.argv[2] ?? 30);
const project = join(repo, "bench", ".work", `discovery-${DEPENDENCIES}-v${LAYOUT_VERSION}`);

const distIndex = join(repo, "packages", "floe-core", "dist", "index.js");
if (!existsSync(distIndex)) {
  console.error("packages/floe-core/dist is missing: run `pnpm build` first");
  process.exit(1);
}
const { discoverPlugins } = await import(pathToFileURL(distIndex).href);

function packageName(i) {
  return i % 10 === 3 ? `@bench-scope-${i % 7}/dep-${i}` : `bench-dep-${i}`;
}

function build() {
  rmSync(project, { recursive: true, force: true });
  const dependencies = {};
  for (let i = 0; i < DEPENDENCIES; i++) {
    const name = packageName(i);
    dependencies[name] = "1.0.0";
    const isPlugin = i % (DEPENDENCIES / PLUGINS) === 0;
    const manifest = { name, version: "1.0.0", type: "module", main: "./index.js", description: "x".repeat(200) };
    if (isPlugin) Object.assign(manifest, { "floe.orchestrators": { [`bench${i}`]: "./index.js#BenchPlugin" }, "floe.apiVersion": "1.0" });
    const link = join(project, "node_modules", ...name.split("/"));
    // Even: npm's flat layout. Odd: pnpm's, a symlink into node_modules/.pnpm.
    const dir =
      i % 2 === 0 ? link : join(project, "node_modules", ".pnpm", `${name.replace("/", "+")}@1.0.0`, "node_modules", ...name.split("/"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    // Importing any of these modules leaves a marker: the proof that discovery imported nothing.
    writeFileSync(
      join(dir, "index.js"),
      'import { writeFileSync } from "node:fs";\nwriteFileSync(new URL("./imported.marker", import.meta.url), "1");\nexport class BenchPlugin {}\n',
    );
    if (dir !== link) {
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), dir), link);
    }
  }
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bench-project", private: true, dependencies }, null, 2));
  writeFileSync(join(project, ".complete"), "");
}

function markers(dir) {
  let found = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found += markers(join(dir, entry.name));
    else if (entry.name === "imported.marker") found++;
  }
  return found;
}

const built = !existsSync(join(project, ".complete"));
if (built) build();
const times = [];
const cpuTimes = [];
let result;
for (let i = 0; i < runs; i++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  result = await discoverPlugins({ cwd: project });
  times.push(performance.now() - start);
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
}
const cpuMedian = [...cpuTimes].sort((a, b) => a - b)[Math.floor(runs / 2)];
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
// The CLI also looks at the repository root (a pnpm workspace root above the project) and beside
// floe-core (packages/, with the two real plugins); count the project's own plugins.
const benchPlugins = result.plugins.filter((p) => /^(@bench-scope-\d+\/)?(bench-)?dep-\d+$/.test(p.package));
const compatible = benchPlugins.filter((p) => p.compatible).length;
const imported = markers(join(project, "node_modules"));
const ms = (n) => `${n.toFixed(1)} ms`;
console.log(
  `discovery over ${DEPENDENCIES} installed dependencies (${PLUGINS} plugins; npm flat + pnpm symlinked layouts), ${runs} runs${built ? " (project just built)" : " (cached project)"}`,
);
console.log(`  first run ${ms(times[0])}; min ${ms(sorted[0])}, median ${ms(median)}, max ${ms(sorted.at(-1))}  (target: < 100 ms)`);
// On a shared machine wall time includes waiting for a core; CPU time shows the work itself.
console.log(`  CPU time (user+system) median ${ms(cpuMedian)}; machine load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`);
console.log(
  `  plugins found: ${benchPlugins.length} (${compatible} compatible) in the project, ${result.plugins.length} in all; problems: ${result.problems.length}`,
);
console.log(`  looked in: ${result.searched.join("; ")}`);
console.log(`  plugin modules imported: ${imported}`);
console.log(`  node ${process.version}, project ${relative(repo, project)}`);
console.log("reproduce: pnpm build && node bench/discovery.mjs [runs]");
if (benchPlugins.length !== PLUGINS || compatible !== PLUGINS || imported !== 0) {
  console.error("unexpected discovery result");
  process.exit(1);
}
