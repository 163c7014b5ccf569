// The plugins' golden files are vitest file snapshots (toMatchFileSnapshot). Under CI a missing or different
// snapshot must fail and leave the file alone; only an explicit `-u` writes it. This runs vitest itself on a
// throwaway test file to hold the installed vitest to that.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const VITEST = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const dir = mkdtempSync(join(tmpdir(), "floe-file-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vitest(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  delete env.VITEST;
  delete env.VITEST_MODE;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  return spawnSync(process.execPath, [VITEST, "run", "--root", dir, ...args], { env, encoding: "utf8", timeout: 50_000 });
}

it("fails on a missing file snapshot under CI without writing it, and writes it only with -u", () => {
  symlinkSync(fileURLToPath(new URL("../node_modules", import.meta.url)), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "vitest.config.mjs"), "export default { test: { include: ['*.test.mjs'] } };\n");
  writeFileSync(
    join(dir, "golden.test.mjs"),
    'import { expect, it } from "vitest";\nit("golden", async () => { await expect("generated\\n").toMatchFileSnapshot("./golden.txt"); });\n',
  );
  const snapshot = join(dir, "golden.txt");

  const missing = vitest();
  expect(missing.status, missing.stdout + missing.stderr).not.toBe(0);
  expect(existsSync(snapshot)).toBe(false);

  writeFileSync(snapshot, "stale\n");
  const stale = vitest();
  expect(stale.status, stale.stdout + stale.stderr).not.toBe(0);
  expect(readFileSync(snapshot, "utf8")).toBe("stale\n");

  const updated = vitest("-u");
  expect(updated.status, updated.stdout + updated.stderr).toBe(0);
  expect(readFileSync(snapshot, "utf8")).toBe("generated\n");
}, 120_000);
