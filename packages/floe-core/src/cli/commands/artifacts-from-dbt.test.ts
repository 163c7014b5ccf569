import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFloe } from "floe-test-utils/floe-cli";

const manifest = {
  metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json", adapter_type: "duckdb" },
  nodes: {
    "model.p.a": {
      unique_id: "model.p.a",
      name: "a",
      resource_type: "model",
      package_name: "p",
      original_file_path: "models/a.sql",
      config: { enabled: true, materialized: "table" },
      depends_on: { nodes: [] },
    },
  },
};

const run = (argv: string[], cwd: string) => runFloe(argv, { cwd });

describe("floe artifacts from-dbt", () => {
  const dir = mkdtempSync(join(tmpdir(), "floe-from-dbt-"));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));

  it("writes validated CompiledArtifacts to --out", async () => {
    const result = await run(
      ["artifacts", "from-dbt", "manifest.json", "--product", "p", "--out", "out/a.json", "--compiled-at", "2026-01-01T00:00:00Z"],
      dir,
    );
    expect(result.code).toBe(0);
    const artifacts = JSON.parse(readFileSync(join(dir, "out", "a.json"), "utf8"));
    expect(artifacts.transforms.models[0]).toMatchObject({ name: "a", unique_id: "model.p.a", materialization: "table" });
    expect(artifacts.metadata.compiled_at).toBe("2026-01-01T00:00:00Z");
    expect(readdirSync(join(dir, "out"))).toEqual(["a.json"]);
  });

  it("requires a valid --product (exit 2, one line naming the flag, nothing written)", async () => {
    for (const argv of [
      ["artifacts", "from-dbt", "manifest.json"],
      ["artifacts", "from-dbt", "manifest.json", "--product", "no spaces"],
    ]) {
      const result = await run([...argv, "--out", "never.json"], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^floe: FLOE_USAGE at --product: .*\n$/);
      expect(readdirSync(dir)).not.toContain("never.json");
    }
  });

  it("refuses bad per-model run settings in dbt meta floe: exit 2, one line naming the model and the field, nothing written", async () => {
    const withMeta = (floe: unknown) => {
      const copy = JSON.parse(JSON.stringify(manifest));
      copy.nodes["model.p.a"].config.meta = { floe };
      return JSON.stringify(copy);
    };
    for (const [floe, field] of [
      [{ retries: -1 }, "retries"],
      [{ retires: 3 }, "retires"],
    ] as const) {
      writeFileSync(join(dir, "meta.json"), withMeta(floe));
      const result = await run(["artifacts", "from-dbt", "meta.json", "--product", "p", "--out", "never.json"], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^floe: FLOE_MANIFEST_INVALID at nodes\\["model\\.p\\.a"\\]\\.config\\.meta\\.floe\\.${field}: model\\.p\\.a: [^\\n]*\\n$`,
        ),
      );
      expect(readdirSync(dir)).not.toContain("never.json");
    }
    writeFileSync(join(dir, "meta.json"), withMeta({ retries: 3, pool: "warehouse" }));
    const ok = await run(["artifacts", "from-dbt", "meta.json", "--product", "p"], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).transforms.models[0].run_settings).toEqual({ retries: 3, pool: "warehouse" });
  });

  it("names the field of a bad manifest", async () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...manifest, nodes: { x: { name: "x" } } }));
    const result = await run(["artifacts", "from-dbt", "bad.json", "--product", "p"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^floe: FLOE_MANIFEST_INVALID at nodes\["x"\]\.unique_id: /);
  });
});
