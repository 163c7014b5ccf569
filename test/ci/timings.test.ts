// The CI time tooling: scripts/ci-timings.mjs (per-file wall/CPU table, the budget file) and the root run's
// sequencer (scripts/vitest-longest-first.ts: longest files first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { estimate } from "../../scripts/vitest-longest-first.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "ci-timings.mjs");
const work = mkdtempSync(join(tmpdir(), "floe-ci-timings-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const timings = (args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8" });

describe("scripts/ci-timings.mjs", () => {
  const report = join(work, "vitest.json");
  const cpu = join(work, "cpu.jsonl");
  writeFileSync(
    report,
    JSON.stringify({
      success: false,
      testResults: [
        {
          name: join(ROOT, "test/e2e/slow.test.ts"),
          startTime: 1_000,
          endTime: 91_000,
          assertionResults: [{ fullName: "waits", duration: 80_000, status: "passed" }],
        },
        {
          name: join(ROOT, "packages/p/src/fast.test.ts"),
          startTime: 2_000,
          endTime: 4_000,
          assertionResults: [{ fullName: "adds", duration: 5, status: "failed" }],
        },
      ],
    }),
  );
  writeFileSync(
    cpu,
    `${JSON.stringify({ file: join(ROOT, "test/e2e/slow.test.ts"), wall: 100, cpu: 12.5, self: 0.5, children: 12 })}\n` +
      `${JSON.stringify({ file: join(ROOT, "packages/p/src/fast.test.ts"), wall: 3, cpu: 2.9, self: 2.9, children: 0 })}\n`,
  );

  it("prints one row per file, longest first, with wall, CPU and CPU/wall, the failed tests and the slowest tests", () => {
    const r = timings([report, cpu, "--tests", "1"]);
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /\.test\.ts\s/.test(l) && !l.includes(" > "));
    expect(rows.map((l) => l.trim().split(/\s+/))).toEqual([
      ["test/e2e/slow.test.ts", "100.0", "12.5", "0.13", "1"],
      ["packages/p/src/fast.test.ts", "3.0", "2.9", "0.97", "1", "1", "failed"],
    ]);
    expect(r.stdout).toMatch(/vitest\.json: 2 files, 90 s from the first file's start to the last one's end, FAILED/);
    expect(r.stdout).toMatch(/sum of 2 files\s+103\s+15/);
    expect(r.stdout).toMatch(/slowest 1 tests[^\n]*\n\s+80\.0 {2}test\/e2e\/slow\.test\.ts > waits\n/);
  });

  it("writes the budget the sequencer reads: whole seconds per file, files under a second left out", () => {
    const budget = join(work, "budget.json");
    const r = timings([report, "--write-budget", budget]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(budget, "utf8")).seconds).toEqual({ "test/e2e/slow.test.ts": 90, "packages/p/src/fast.test.ts": 2 });
  });

  it.each([
    [[], /give a vitest JSON report or a cpu\.jsonl/],
    [["--tests", "x", report], /--tests takes a whole number/],
    [["--fast"], /unknown flag --fast/],
    [[join(work, "missing.json")], /missing\.json: cannot read \(ENOENT\)/],
    [[cpu.replace(/cpu\.jsonl$/, "cpu.json")], /cannot read/],
  ])("bad input %j: exit 2 and one line", (args, message) => {
    const r = timings(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });
});

describe("the root run's sequencer estimate", () => {
  it("uses a file's measured seconds, else a medium estimate for real-orchestrator tests and a short one for unit tests", () => {
    const budget = { "test/corpus/projects.test.ts": 600 };
    expect(estimate("test/corpus/projects.test.ts", budget)).toBe(600);
    expect(estimate("packages/floe-orchestrator-airflow/test/e2e/new.test.ts", budget)).toBe(60);
    expect(estimate("test/hardening/new.test.ts", budget)).toBe(60);
    expect(estimate("packages/floe-core/src/new.test.ts", budget)).toBe(1);
  });
});
