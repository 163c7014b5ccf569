/**
 * SIGKILLs a child process at random moments while it writes a large output (built dist code) and
 * checks that `<dir>` always holds exactly one complete version: the previous one, or the new one
 * when the kill came after the swap. While the child runs, this process keeps reading `<dir>` to
 * show that it never disappears.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const distModule = fileURLToPath(new URL("../../dist/output/write-output.js", import.meta.url));
const child = fileURLToPath(new URL("../fixtures/output/write-child.mjs", import.meta.url));
const FILES = 400;
const BYTES = 16 * 1024;
const ROUNDS = 14;

let root: string;
let out: string;
beforeAll(() => {
  if (!existsSync(distModule)) throw new Error(`${distModule} is missing: run pnpm build first`);
  root = mkdtempSync(join(tmpdir(), "floe-kill-"));
  out = join(root, "out");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Spawns the writer; resolves with whether it finished, after killing it `killAfterMs` in (if still running). */
function runWriter(seed: string, killAfterMs: number | null): Promise<{ finished: boolean; readsWhileRunning: number; missingReads: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, distModule, out, seed, String(FILES), String(BYTES)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    let readsWhileRunning = 0;
    let missingReads = 0;
    let running = true;
    // Poll <dir>/MANIFEST between event-loop turns while the writer works.
    const poll = () => {
      if (!running) return;
      if (existsSync(out) || readsWhileRunning > 0) {
        readsWhileRunning++;
        try {
          readFileSync(join(out, "MANIFEST"), "utf8");
        } catch {
          missingReads++;
        }
      }
      setImmediate(poll);
    };
    poll();
    const timer = killAfterMs === null ? null : setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      running = false;
      if (timer) clearTimeout(timer);
      if (signal === null && code !== 0) reject(new Error(`writer failed (${code}): ${stderr}`));
      else resolve({ finished: stdout.includes("done"), readsWhileRunning, missingReads });
    });
  });
}

/** The seed of the single complete version at <dir>; throws if anything is missing, extra or changed. */
function completeVersion(): string {
  const [seed, count] = readFileSync(join(out, "MANIFEST"), "utf8").trim().split(" ");
  expect(Number(count)).toBe(FILES);
  let seen = 0;
  for (const bucket of readdirSync(join(out, "models"))) {
    for (const name of readdirSync(join(out, "models", bucket))) {
      const i = Number(/^file-(\d+)\.txt$/.exec(name)![1]);
      const content = readFileSync(join(out, "models", bucket, name), "utf8");
      const head = `${seed}:${i}:`;
      expect(content.length).toBe(BYTES);
      expect(content.startsWith(head)).toBe(true);
      expect(Number(bucket)).toBe(i % 10);
      seen++;
    }
  }
  expect(seen).toBe(FILES);
  return seed!;
}

describe("writeOutputDirectory under SIGKILL", () => {
  it("never leaves <dir> missing, partial or mixed", async () => {
    const started = Date.now();
    const first = await runWriter("seed0", null);
    const fullMs = Math.max(20, Date.now() - started);
    expect(first.finished).toBe(true);
    let current = completeVersion();
    expect(current).toBe("seed0");

    let killedBeforeSwap = 0;
    let killedAfterSwap = 0;
    let reads = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const seed = `seed${round}`;
      const result = await runWriter(seed, Math.floor(Math.random() * fullMs * 1.1));
      expect(result.missingReads).toBe(0);
      reads += result.readsWhileRunning;
      const now = completeVersion();
      // Either the previous version, untouched, or the new one, complete.
      expect([current, seed]).toContain(now);
      if (now === seed) killedAfterSwap++;
      else killedBeforeSwap++;
      current = now;
    }
    // The interesting case must have happened: kills in the middle of a write.
    expect(killedBeforeSwap).toBeGreaterThan(0);
    console.log(`kill test: ${ROUNDS} rounds, write ~${fullMs} ms, ${killedBeforeSwap} killed before the swap, ${killedAfterSwap} after, ${reads} reads of <dir> while writing, none missing`);

    // The next successful write cleans up the killed writers' leftovers.
    expect((await runWriter("final", null)).finished).toBe(true);
    expect(completeVersion()).toBe("final");
    const left = readdirSync(join(root, ".out.floe"));
    expect(left.filter((e) => e.endsWith(".staging") || e.endsWith(".link"))).toEqual([]);
    expect(left.length).toBeLessThanOrEqual(2);
  });

  it("never shows a reader a missing <dir> while a writer swaps versions many times", async () => {
    // This process reads <dir> in a tight synchronous loop (no event-loop gaps) while the child swaps
    // 300 small versions: a rename-away-then-rename-in swap leaves <dir> missing for a moment and is caught here.
    const done = `${out}.done`;
    rmSync(done, { force: true });
    const proc: ChildProcess = spawn(process.execPath, [child, distModule, out, "loop", "5", "64", "300"], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
    let reads = 0;
    let missing = 0;
    const deadline = Date.now() + 120_000;
    while (!existsSync(done) && Date.now() < deadline) {
      reads++;
      try {
        readFileSync(join(out, "MANIFEST"));
      } catch {
        missing++;
      }
    }
    expect(await exited).toBe(0);
    console.log(`swap test: 300 swaps, ${reads} reads of <dir>, ${missing} missing`);
    expect(reads).toBeGreaterThan(1000);
    expect(missing).toBe(0);
  });
});
