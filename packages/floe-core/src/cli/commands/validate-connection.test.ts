/** Spawns the built CLI (`pnpm build` first) at the repository root; live servers are the plugins' e2e tests. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../../bin/floe.js", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url));
const floe = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: "utf8" });

describe("floe validate-connection", () => {
  it.each([
    [["validate-connection"], "--orchestrator"],
    [["validate-connection", "--orchestrator", "nifi"], "--orchestrator"],
    [["validate-connection", "--orchestrator", "dagster", "--url", "not a url"], "--url"],
    [["validate-connection", "--orchestrator", "airflow", "--url", "ftp://127.0.0.1/"], "--url"],
    [["validate-connection", "--orchestrator", "airflow", "extra"], "extra"],
  ])("refuses %j with exit 2 naming %s", (args, field) => {
    const result = floe(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(field);
  });

  it.each(["dagster", "airflow"])("exits 1 with the reason when nothing listens (%s)", (name) => {
    const result = floe(["validate-connection", "--orchestrator", name, "--url", "http://127.0.0.1:1", "--json"]);
    expect(result.status).toBe(1);
    const parsed = JSON.parse(result.stdout) as { success: boolean; message: string; errors: string[] };
    expect(parsed.success).toBe(false);
    expect(parsed.message).toMatch(/refused/);
    expect(parsed.errors.length).toBeGreaterThan(0);
  });
});
