import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";
import { LongestFirstSequencer } from "./scripts/vitest-longest-first.js";

// One `vitest run` at the root runs every suite: the three packages (each with its own vitest.config.ts: sources
// through the floe-core alias) and the repository-level tests (release tooling, packaging, corpus, charts boot,
// hardening). Their files share one pool of workers, so a file that mostly waits (a server starting, a cron tick,
// a DAG run) overlaps with one that computes. The heaviest files start first (test/ci-budget.json, written by
// scripts/ci-timings.mjs). VITEST_MAX_WORKERS=n overrides the worker count; `--project <name>` runs one suite.
// FLOE_TIMINGS_DIR=<dir>: a JSON report (<dir>/vitest.json) and CPU seconds per file (<dir>/cpu.jsonl) for
// `node scripts/ci-timings.mjs <dir>/vitest.json <dir>/cpu.jsonl` (.ci/run prints that table at the end).
const timings = process.env.FLOE_TIMINGS_DIR;
const cpuProbe = "scripts/vitest-cpu-probe.ts";
// A package's projects: its own config for resolve (the floe-core alias and subpaths), the test options stated here
// so the root run does not depend on how the package splits its own runs. Two per package, as in the packages'
// own configs: unit (src/**, test/*.test.ts) with a short timeout, so a hanging unit test fails fast, and e2e
// (test/**/ below the top level: real orchestrators, dbt, Helm) with the long one. The unit timeout here is 120 s,
// not the packages' 30 s: in this run up to four files share two cores with real-orchestrator files.
const pkg = (name: string, exclude: string[] = []) => {
  const common = {
    extends: `packages/${name}/vitest.config.ts`,
    root: `packages/${name}`,
  };
  const test = { pool: "forks" as const, setupFiles: [`../../${cpuProbe}`] };
  return [
    {
      ...common,
      test: {
        ...test,
        name: `${name} (unit)`,
        include: ["src/**/*.test.ts", "test/*.test.ts"],
        exclude: [...configDefaults.exclude, ...exclude],
        testTimeout: 120_000,
        hookTimeout: 120_000,
      },
    },
    {
      ...common,
      test: {
        ...test,
        name: `${name} (e2e)`,
        include: ["test/**/*.test.ts"],
        exclude: [...configDefaults.exclude, "test/*.test.ts", ...exclude],
        testTimeout: 600_000,
        hookTimeout: 1_800_000,
      },
    },
  ];
};

// Files whose assertions hold only if a loopback server answers within a few hundred milliseconds (the lineage
// CLI's --timeout-ms 400 against a backend in the test's own process): they run after every other file, alone,
// so that the other files' load cannot make them fail. (They failed under a load average of 30 either way.)
const ALONE = { "floe-core": ["test/e2e/lineage-cli.test.ts"] };

export default defineConfig({
  test: {
    projects: [
      ...pkg("floe-core", ALONE["floe-core"]),
      ...pkg("floe-orchestrator-airflow"),
      ...pkg("floe-orchestrator-dagster"),
      {
        extends: "packages/test-utils/vitest.config.ts",
        root: "packages/test-utils",
        test: { name: "test-utils", include: ["src/**/*.test.ts"], testTimeout: 120_000, pool: "forks", setupFiles: [`../../${cpuProbe}`] },
      },
      {
        test: {
          name: "root",
          include: ["test/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
          pool: "forks",
          setupFiles: [cpuProbe],
        },
      },
      {
        root: "packages/floe-core",
        test: {
          name: "floe-core (alone, last)",
          include: ALONE["floe-core"],
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
          pool: "forks",
          setupFiles: [`../../${cpuProbe}`],
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
        },
      },
    ],
    // Most real-orchestrator files wait more than they compute (bench/RESULTS.md, "CI time"): two files per core
    // (4 on the 2-core CI machine) keep the cores busy. vitest's default would be cores - 1: on 2 cores, one file
    // at a time. Capped at 8: each real-orchestrator file starts several Python processes.
    maxWorkers: Math.min(8, 2 * availableParallelism()),
    ...(timings ? { reporters: ["default", ["json", { outputFile: `${timings}/vitest.json` }]] } : {}),
    sequence: { sequencer: LongestFirstSequencer },
  },
});
