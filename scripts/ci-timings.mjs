#!/usr/bin/env node
// Where the test budget goes. Reads vitest JSON reports (`vitest run --reporter=json --outputFile=x.json`) and the
// per-file CPU lines that FLOE_TIMINGS_DIR=<dir> makes the root vitest run append to <dir>/cpu.jsonl
// (scripts/vitest-cpu-probe.ts). Either alone works; both give one table.
//
//   node scripts/ci-timings.mjs [report.json ...] [cpu.jsonl ...] [--tests N] [--write-budget test/ci-budget.json]
//
// Per file: wall seconds (the probe's: import to last hook; else the report's: first test to end), CPU seconds of
// the worker and every child it waited for, and CPU/wall (near 0: the file waits; near 1 or more: it computes).
// Files run side by side (one pool of workers for every suite), so the sum of walls is not the run's wall time;
// the sum of CPU over the machine's cores is its floor. Then the N slowest tests (default 15).
// --write-budget writes the per-file seconds the root run's sequencer uses to start the longest files first.
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

const usage = "usage: node scripts/ci-timings.mjs [report.json ...] [cpu.jsonl ...] [--tests N] [--write-budget file]";
const args = process.argv.slice(2);
let topTests = 15;
let budgetOut;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--tests") {
    topTests = Number(args[++i]);
    if (!Number.isInteger(topTests) || topTests < 0) fail("--tests takes a whole number");
  } else if (args[i] === "--write-budget") {
    budgetOut = args[++i];
    if (!budgetOut) fail("--write-budget needs a file name");
  } else if (args[i] === "-h" || args[i] === "--help") {
    console.log(usage);
    process.exit(0);
  } else if (args[i].startsWith("--")) fail(`unknown flag ${args[i]}`);
  else inputs.push(args[i]);
}
if (inputs.length === 0) fail(`give a vitest JSON report or a cpu.jsonl (${usage})`);

function fail(message) {
  console.error(`ci-timings: ${message}`);
  process.exit(2);
}

const root = resolve(import.meta.dirname, "..");
const rel = (file) => (isAbsolute(file) ? relative(root, file) : file).split("\\").join("/");
/** file -> { wall?, reportWall?, cpu?, children?, tests, failed } */
const files = new Map();
const entry = (name) => files.get(name) ?? files.set(name, { tests: 0, failed: 0 }).get(name);
const tests = [];
const reports = [];

for (const input of inputs) {
  let text;
  try {
    text = readFileSync(input, "utf8");
  } catch (error) {
    fail(`${input}: cannot read (${error.code ?? error.message})`);
  }
  if (input.endsWith(".jsonl")) {
    for (const [n, line] of text.split("\n").entries()) {
      if (!line.trim()) continue;
      let row;
      try {
        row = JSON.parse(line);
      } catch {
        fail(`${input}:${n + 1}: not a JSON line`);
      }
      const e = entry(rel(row.file));
      e.wall = (e.wall ?? 0) + row.wall;
      e.cpu = (e.cpu ?? 0) + row.cpu;
      e.children = (e.children ?? 0) + row.children;
    }
    continue;
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(`${input}: not JSON (${error.message})`);
  }
  if (!Array.isArray(data.testResults)) fail(`${input}: no testResults (not a vitest JSON report)`);
  let first = Infinity;
  let last = 0;
  for (const file of data.testResults) {
    const name = rel(file.name);
    const e = entry(name);
    e.reportWall = (file.endTime - file.startTime) / 1000;
    first = Math.min(first, file.startTime);
    last = Math.max(last, file.endTime);
    for (const t of file.assertionResults ?? []) {
      e.tests += 1;
      if (t.status === "failed") e.failed += 1;
      tests.push({ name: `${name} > ${t.fullName}`, seconds: (t.duration ?? 0) / 1000, status: t.status });
    }
  }
  reports.push({ input, files: data.testResults.length, wall: Number.isFinite(first) ? (last - first) / 1000 : 0, ok: data.success });
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (n, d = 1) => (n === undefined ? "-" : n.toFixed(d));
for (const r of reports)
  console.log(
    `${r.input}: ${r.files} files, ${r.wall.toFixed(0)} s from the first file's start to the last one's end${r.ok === false ? ", FAILED" : ""}`,
  );
const rows = [...files.entries()].map(([name, e]) => ({ name, ...e, seconds: e.wall ?? e.reportWall ?? 0 }));
rows.sort((a, b) => b.seconds - a.seconds);
const cpuSum = rows.reduce((a, r) => a + (r.cpu ?? 0), 0);
const wallSum = rows.reduce((a, r) => a + r.seconds, 0);
console.log("");
console.log(`${pad("file", 66)}${lpad("wall s", 8)}${lpad("cpu s", 8)}${lpad("cpu/wall", 9)}${lpad("tests", 6)}`);
for (const r of rows) {
  const ratio = r.cpu !== undefined && r.seconds > 0 ? (r.cpu / r.seconds).toFixed(2) : "-";
  console.log(
    `${pad(r.name, 66)}${lpad(fmt(r.seconds), 8)}${lpad(fmt(r.cpu), 8)}${lpad(ratio, 9)}${lpad(r.tests || "", 6)}${r.failed ? `  ${r.failed} failed` : ""}`,
  );
}
console.log(`${pad(`sum of ${rows.length} files`, 66)}${lpad(wallSum.toFixed(0), 8)}${lpad(cpuSum ? cpuSum.toFixed(0) : "-", 8)}`);
if (topTests > 0 && tests.length > 0) {
  console.log("");
  console.log(`slowest ${topTests} tests (test body only; beforeAll/afterAll time counts in the file's wall)`);
  for (const t of tests.sort((a, b) => b.seconds - a.seconds).slice(0, topTests)) {
    console.log(`${lpad(t.seconds.toFixed(1), 7)}  ${t.name}${t.status === "failed" ? "  (failed)" : ""}`);
  }
}
if (budgetOut) {
  const seconds = Object.fromEntries(rows.filter((r) => r.seconds >= 1).map((r) => [r.name, Math.round(r.seconds)]));
  const budget = {
    $comment:
      "Per-file seconds of a measured run (node scripts/ci-timings.mjs --write-budget); the root vitest run starts the longest files first (scripts/vitest-longest-first.ts). Files not listed: estimated.",
    seconds,
  };
  writeFileSync(budgetOut, `${JSON.stringify(budget, null, 2)}\n`);
  console.log(`\nwrote ${budgetOut} (${Object.keys(seconds).length} files)`);
}
