// Loads the workspace's plugins from their built dist (the root `pnpm test` builds first).
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runFloe } from "floe-test-utils/floe-cli";

const root = fileURLToPath(new URL("../../../../../", import.meta.url));
const fixture = fileURLToPath(new URL("../../../test/fixtures/artifacts/v0.10.0.json", import.meta.url));

const floe = (...argv: string[]) => runFloe(argv, { cwd: root });

describe("floe helm-values", () => {
  it("prints the plugin's values as YAML for a size", async () => {
    const { code, stdout, stderr } = await floe("helm-values", "--orchestrator", "dagster", "--size", "large");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const values = parse(stdout) as Record<string, any>;
    expect(values.userCode.resources).toEqual({ requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } });
    expect(values.commonLabels).toBeUndefined();
  });

  it("takes labels and lineage settings from --artifacts", async () => {
    const { code, stdout } = await floe("helm-values", "--orchestrator", "airflow", "--artifacts", fixture);
    expect(code).toBe(0);
    const values = parse(stdout) as Record<string, any>;
    expect(values.commonLabels["floe.dev/product"]).toBe("shop-analytics");
    expect(values.env).toContainEqual({ name: "OPENLINEAGE_NAMESPACE", value: "shop-analytics" });
    expect(values.scheduler.resources.requests).toEqual({ cpu: "500m", memory: "1Gi" });
  });

  it("exits 2 naming --size for a bad size", async () => {
    const { code, stdout, stderr } = await floe("helm-values", "--orchestrator", "dagster", "--size", "huge");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^floe: FLOE_SIZE_INVALID at --size: .*huge.*\n$/);
  });

  it("exits 2 naming --artifacts for a missing file, and the field for a bad one", async () => {
    const missing = await floe("helm-values", "--orchestrator", "dagster", "--artifacts", "no/such/file.json");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^floe: FLOE_FILE_NOT_FOUND at --artifacts: /);
    const doc = JSON.parse(readFileSync(fixture, "utf8"));
    doc.metadata.product_name = 42;
    const dir = await mkdtemp(join(tmpdir(), "floe-helm-values-"));
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify(doc));
    try {
      const invalid = await floe("helm-values", "--orchestrator", "dagster", "--artifacts", bad);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(/^floe: FLOE_ARTIFACTS_INVALID at metadata\.product_name: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 without --orchestrator, and for an unknown one", async () => {
    expect((await floe("helm-values")).code).toBe(2);
    const unknown = await floe("helm-values", "--orchestrator", "prefect");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^floe: FLOE_PLUGIN_NOT_FOUND/);
  });
});
