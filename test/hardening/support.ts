import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { afterAll } from "vitest";
import { join, relative } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const FLOE = join(ROOT, "packages", "floe-core", "bin", "floe.js");

const made: string[] = [];
// Registered at the top level of each test file that imports this module.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `floe-hardening-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Runs the built CLI with the repository root as the working directory (so both plugins are found). */
export function floe(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [FLOE, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: "utf8",
    timeout: options.timeout ?? 60_000,
  });
}

/**
 * Runs the built CLI as a child process without blocking this process (loopback servers in it can answer),
 * the repository root as the default working directory; killed after 60 s, so a hang fails instead of stalling.
 */
export function floeAsync(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FLOE, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** path -> sha256 of every file (and "dir" for directories) under `dir`; empty if it does not exist. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        out[`${relative(dir, p)}/`] = "dir";
        walk(p);
      } else out[relative(dir, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

export function treeHash(dir: string): string {
  return createHash("sha256")
    .update(JSON.stringify(treeSnapshot(dir)))
    .digest("hex");
}

/** A minimal valid CompiledArtifacts object (jaffle-like) to vary in tests. */
export function baseArtifacts(models: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "0.10.0",
    metadata: { compiled_at: "2026-01-01T00:00:00Z", floe_version: "0.1.0", source_hash: "x", product_name: "p", product_version: "1.0.0" },
    identity: { product_id: "p", domain: "d", repository: "" },
    observability: { lineage: true },
    transforms: { default_compute: "duckdb", models },
    ...extra,
  };
}
