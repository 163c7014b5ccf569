/** Spawns the built CLI (`pnpm build` first) at the repository root, where both plugin packages are installed. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../../bin/floe.js", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url));
const floe = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });

describe("floe plugins", () => {
  it("lists dagster and airflow as compatible at the repository root (--json)", () => {
    const result = floe(["plugins", "--json"], repoRoot);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.name).sort()).toEqual(["airflow", "dagster"]);
    for (const row of rows) {
      // Capabilities come from the loaded plugin: both built-in plugins have every one, run control included.
      expect(row).toMatchObject({
        compatible: true,
        floeApiVersion: "1.2",
        package: `floe-orchestrator-${String(row.name)}`,
        capabilities: ["helmValues", "connection", "schedules", "runs", "products"],
      });
      expect(row).not.toHaveProperty("error");
    }
  });

  it("prints one line per plugin without --json", () => {
    const result = floe(["plugins"], repoRoot);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n").sort()).toEqual([
      expect.stringMatching(/^airflow\tfloe-orchestrator-airflow@\S+\tAPI 1\.2\tcompatible$/),
      expect.stringMatching(/^dagster\tfloe-orchestrator-dagster@\S+\tAPI 1\.2\tcompatible$/),
    ]);
  });

  it("in a project of its own, this checkout's floe still finds the plugins beside it; stray arguments are refused", () => {
    // "Nothing found" with its hint is shown by test/e2e/packaging.test.ts, where floe-core is installed alone.
    const dir = mkdtempSync(join(tmpdir(), "floe-plugins-"));
    try {
      writeFileSync(join(dir, "package.json"), "{}");
      const rows = JSON.parse(floe(["plugins", "--json"], dir).stdout) as Array<Record<string, unknown>>;
      expect(rows.map((r) => [r.name, r.compatible])).toEqual([
        ["airflow", true],
        ["dagster", true],
      ]);
      writeFileSync(join(dir, "package.json"), "{ not json");
      const broken = floe(["plugins"], dir);
      expect(broken.status).toBe(2);
      expect(broken.stderr).toMatch(/^floe: FLOE_CONFIG_INVALID at package\.json: [^\n]*\n$/);
      expect(floe(["plugins", "extra"], dir).status).toBe(2);
      expect(floe(["plugins", "--nope"], dir).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
