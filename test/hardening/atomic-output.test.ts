// Atomic output: `floe generate` of a 10,000-model product, SIGKILLed at random moments, always leaves
// the output directory holding one complete version: the previous one (byte-identical) or, when the
// kill came after the swap, the complete new one. Never a mix. With the symlink layout never missing;
// with the default plain layout (a real directory swapped by two renames) a kill between those renames
// leaves it missing with the old version aside, and recoverOutputDirectory (which every write runs
// first) must put that back byte-identical; the test counts those cases.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recoverOutputDirectory } from "floe-core";
import { FLOE, ROOT, baseArtifacts, tempDir, treeHash } from "./support.js";

const SEED = Number(process.env.FLOE_HARDENING_SEED ?? Date.now() % 2 ** 31);
const ROUNDS = 15;

function bigArtifacts(version: string): string {
  const models = Array.from({ length: 10_000 }, (_, i) => ({
    name: `m${i}`,
    compute: "duckdb",
    tags: i % 10 === 0 ? ["daily"] : [],
    depends_on: i % 100 ? [`m${i - 1}`] : [],
    description: `model ${i} of version ${version}`,
  }));
  const a = baseArtifacts(models, {
    orchestration: {
      jobs: [{ name: "daily", select: { tags: ["daily"] } }],
      schedules: [{ name: "m", job: "daily", cron: "0 6 * * *", timezone: "UTC" }],
    },
  });
  (a.metadata as Record<string, unknown>).product_version = version;
  return JSON.stringify(a);
}

const PROJECT = join(ROOT, "examples", "jaffle_shop");

function generate(
  file: string,
  out: string,
  orchestrator: string,
  killAfterMs: number | null,
  layout: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [FLOE, "generate", file, "--orchestrator", orchestrator, "--out", out, "--dbt-project", PROJECT, "--out-layout", layout],
      { cwd: ROOT, stdio: "ignore" },
    );
    const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
}

describe("atomic output under SIGKILL", () => {
  for (const [orchestrator, layout] of [
    ["airflow", "plain"],
    ["dagster", "plain"],
  ] as const) {
    it(`${orchestrator}, ${layout} layout: ${ROUNDS} random kills leave the previous output complete or the new one whole (seed ${SEED})`, async () => {
      const dir = tempDir(`atomic-${orchestrator}-${layout}`);
      const oldFile = join(dir, "old.json");
      const newFile = join(dir, "new.json");
      writeFileSync(oldFile, bigArtifacts("1.0.0"));
      writeFileSync(newFile, bigArtifacts("2.0.0"));
      const out = join(dir, "out");
      const newOut = join(dir, "reference-new");
      const full = await generate(newFile, newOut, orchestrator, null, layout);
      expect(full.code).toBe(0);
      const newHash = treeHash(newOut);
      expect((await generate(oldFile, out, orchestrator, null, layout)).code).toBe(0);
      const oldHash = treeHash(out);
      expect(oldHash).not.toBe(newHash);
      const delays = fc.sample(fc.integer({ min: 0, max: Math.max(50, Math.round(full.ms * 1.1)) }), { numRuns: ROUNDS, seed: SEED });
      let keptOld = 0;
      let restored = 0;
      for (const delay of delays) {
        const r = await generate(newFile, out, orchestrator, delay, layout);
        if (!existsSync(out)) {
          expect(layout, `seed ${SEED}: kill after ${delay} ms left the symlink output missing`).toBe("plain");
          await recoverOutputDirectory(out);
          restored++;
        }
        const now = treeHash(out);
        const state = now === oldHash ? "old" : now === newHash ? "new" : "BROKEN";
        expect(state, `seed ${SEED}: kill after ${delay} ms (exit ${r.code}, ${r.signal}) left a mixed or missing output`).not.toBe(
          "BROKEN",
        );
        if (state === "old") keptOld++;
        else expect((await generate(oldFile, out, orchestrator, null, layout)).code).toBe(0);
      }
      console.log(
        `atomic-output ${orchestrator} ${layout}: ${ROUNDS} kills (seed ${SEED}), ${restored} restored after a kill between the renames, ${keptOld} before the swap kept the old output intact, ${ROUNDS - keptOld} after it gave the whole new output; full run ${full.ms} ms; entries beside out: ${readdirSync(dir).join(", ")}`,
      );
    });
  }
});
