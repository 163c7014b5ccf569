// Per-file CPU time, for scripts/ci-timings.mjs: wall time on a shared machine says little, CPU time says what a
// file costs. Active only when FLOE_TIMINGS_DIR names a directory (vitest.config.ts adds this file to every
// project's setupFiles); each test file then appends one JSON line to <dir>/cpu.jsonl: its path, its wall
// seconds, and the CPU seconds of its worker process plus every child process it waited for (Python, dbt,
// Dagster, Airflow, the floe CLI), from /proc/self/stat, from before the file is imported to after its last hook.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect } from "vitest";

const dir = process.env.FLOE_TIMINGS_DIR;

/** utime + stime + cutime + cstime of this process, in seconds (Linux; clock ticks of 100 Hz). */
function cpuSeconds(): { self: number; children: number } {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  const tick = (i: number) => Number(fields[i - 3]) / 100; // field i of proc(5), 1-based; the rest starts at field 3
  return { self: tick(14) + tick(15), children: tick(16) + tick(17) };
}

if (dir) {
  // Setup files run before the test file is imported: its collection counts too.
  const start = cpuSeconds();
  const started = Date.now();
  afterAll(() => {
    const end = cpuSeconds();
    const file = expect.getState().testPath ?? "";
    mkdirSync(dir, { recursive: true });
    const line = {
      file,
      wall: (Date.now() - started) / 1000,
      cpu: end.self - start.self + (end.children - start.children),
      self: end.self - start.self,
      children: end.children - start.children,
    };
    appendFileSync(join(dir, "cpu.jsonl"), `${JSON.stringify(line)}\n`);
  });
}
