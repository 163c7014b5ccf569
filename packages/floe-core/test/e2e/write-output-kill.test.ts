/**
 * SIGKILLs a child process at random moments while it writes a large output (built dist code) and
 * checks that `<dir>` always holds exactly one complete version: the previous one, or the new one
 * when the kill came after the swap. Both layouts: with `symlink`, this process keeps reading `<dir>`
 * while the child runs to show that it never disappears; with `plain` (a real directory swapped by two
 * renames), a kill between those renames leaves `<dir>` missing with the old version aside, which
 * `recoverOutputDirectory` (run by every write) must put back whole; the test counts those cases.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETIRE_GRACE_MS, type OutputLayoutKind } from "../../src/output/write-output.js";

const distModule = fileURLToPath(new URL("../../dist/output/write-output.js", import.meta.url));
const child = fileURLToPath(new URL("../fixtures/output/write-child.mjs", import.meta.url));
const FILES = 400;
const BYTES = 16 * 1024;
const ROUNDS = 14;

let root: string;
let out: string;
let layout: OutputLayoutKind = "plain";
beforeAll(() => {
  if (!existsSync(distModule)) throw new Error(`${distModule} is missing: run pnpm build first`);
  root = mkdtempSync(join(tmpdir(), "floe-kill-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Spawns the writer; resolves with whether it finished, after killing it `killAfterMs` in (if still running). */
function runWriter(
  seed: string,
  killAfterMs: number | null,
): Promise<{ finished: boolean; readsWhileRunning: number; missingReads: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, distModule, out, seed, String(FILES), String(BYTES), "1", layout], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    let readsWhileRunning = 0;
    let missingReads = 0;
    let running = true;
    // Poll <dir>/MANIFEST between event-loop turns while the writer works (symlink layout: never missing).
    const poll = () => {
      if (!running || layout === "plain") return;
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

async function recover(): Promise<boolean> {
  if (existsSync(out)) return false;
  const { recoverOutputDirectory } = (await import(pathToFileURL(distModule).href)) as typeof import("../../src/output/write-output.js");
  await recoverOutputDirectory(out);
  return true;
}

describe.each(["plain", "symlink"] as const)("writeOutputDirectory under SIGKILL, %s layout", (kind) => {
  beforeAll(() => {
    layout = kind;
    out = join(root, kind);
  });

  it("never leaves <dir> partial or mixed (symlink: never missing; plain: missing only between its two renames, then restored whole)", async () => {
    const started = Date.now();
    const first = await runWriter("seed0", null);
    const fullMs = Math.max(20, Date.now() - started);
    expect(first.finished).toBe(true);
    let current = completeVersion();
    expect(current).toBe("seed0");

    let killedBeforeSwap = 0;
    let killedAfterSwap = 0;
    let reads = 0;
    let recovered = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const seed = `seed${round}`;
      const result = await runWriter(seed, Math.floor(Math.random() * fullMs * 1.1));
      expect(result.missingReads).toBe(0);
      reads += result.readsWhileRunning;
      if (kind === "plain" && (await recover())) recovered++;
      else expect(existsSync(out)).toBe(true);
      const now = completeVersion();
      // Either the previous version, untouched, or the new one, complete.
      expect([current, seed]).toContain(now);
      if (now === seed) killedAfterSwap++;
      else killedBeforeSwap++;
      current = now;
    }
    // The interesting case must have happened: kills in the middle of a write.
    expect(killedBeforeSwap).toBeGreaterThan(0);
    console.log(
      `kill test (${kind}): ${ROUNDS} rounds, write ~${fullMs} ms, ${killedBeforeSwap} killed before the swap, ${killedAfterSwap} after, ${recovered} restored after a kill between the renames, ${reads} reads of <dir> while writing, none missing`,
    );

    // The next successful write cleans up the killed writers' leftovers (and, past the grace period
    // that protects slow readers, every version but the current and the previous one).
    await new Promise((r) => setTimeout(r, RETIRE_GRACE_MS + 500));
    expect((await runWriter("final", null)).finished).toBe(true);
    expect(completeVersion()).toBe("final");
    if (kind === "plain") {
      // Past the grace period nothing is left beside a plain output.
      expect(existsSync(join(root, `.${kind}.floe`))).toBe(false);
    } else {
      const left = readdirSync(join(root, `.${kind}.floe`));
      expect(left.filter((e) => e.endsWith(".staging") || e.endsWith(".link"))).toEqual([]);
      expect(left.length).toBeLessThanOrEqual(2);
    }
  });

  if (kind === "symlink")
    it("never shows a reader a missing <dir> while a writer swaps versions many times", async () => {
      // This process reads <dir> in a tight synchronous loop (no event-loop gaps) while the child swaps
      // 300 small versions: a rename-away-then-rename-in swap leaves <dir> missing for a moment and is caught here.
      const done = `${out}.done`;
      rmSync(done, { force: true });
      const proc: ChildProcess = spawn(process.execPath, [child, distModule, out, "loop", "5", "64", "300", layout], { stdio: "ignore" });
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
