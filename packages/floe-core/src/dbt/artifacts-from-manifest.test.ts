import { describe, expect, it } from "vitest";
import { isFloeError } from "../errors.js";
import { artifactsFromManifest } from "./artifacts-from-manifest.js";
import { parseDbtManifest } from "./dbt-manifest.js";

function node(id: string, extra: Record<string, unknown> = {}) {
  const [resource_type, package_name, name] = id.split(".");
  return {
    unique_id: id,
    name,
    resource_type,
    package_name,
    original_file_path: `${resource_type === "seed" ? "seeds" : "models"}/${name}.sql`,
    schema: "main",
    tags: [],
    meta: {},
    description: "",
    checksum: { name: "sha256", checksum: `sum-${name}` },
    config: { enabled: true, materialized: resource_type === "seed" ? "seed" : "view" },
    depends_on: { nodes: [] },
    ...extra,
  };
}

function manifest(nodes: Array<ReturnType<typeof node>>, version = 12) {
  return {
    metadata: {
      dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${version}.json`,
      dbt_version: "1.11.0",
      adapter_type: "duckdb",
      generated_at: "2026-02-03T04:05:06Z",
    },
    nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, n])),
    sources: {},
  };
}

const shop = manifest([
  node("model.shop.marts_orders", {
    config: { enabled: true, materialized: "incremental" },
    depends_on: { nodes: ["model.shop.stg_orders", "model.shop.payments_eph", "source.shop.raw.events"] },
    tags: ["daily"],
    schema: "finance",
    meta: { owner: "fin" },
    description: "orders",
  }),
  node("model.shop.payments_eph", {
    config: { enabled: true, materialized: "ephemeral" },
    depends_on: { nodes: ["model.shop.inner_eph"] },
  }),
  node("model.shop.inner_eph", {
    config: { enabled: true, materialized: "ephemeral" },
    depends_on: { nodes: ["model.shop.stg_payments"] },
  }),
  node("model.shop.stg_payments", { depends_on: { nodes: ["seed.shop.raw_payments"] } }),
  node("model.shop.stg_orders"),
  node("seed.shop.raw_payments"),
  node("model.shop.off", { config: { enabled: false, materialized: "table" } }),
  node("test.shop.unique_orders", { depends_on: { nodes: ["model.shop.marts_orders"] } }),
]);

const options = { product: "shop", floeVersion: "9.9.9" };

describe("artifactsFromManifest", () => {
  it("makes one transform per enabled model and seed, folding ephemeral models into edges", () => {
    const { artifacts } = artifactsFromManifest(parseDbtManifest(shop), options);
    const models = artifacts.transforms!.models;
    const names = models.map((m) => m.name);
    expect([...names].sort()).toEqual(["marts_orders", "raw_payments", "stg_orders", "stg_payments"]);
    for (const m of models) for (const dep of m.depends_on ?? []) expect(names.indexOf(dep)).toBeLessThan(names.indexOf(m.name));
    const orders = models.find((m) => m.name === "marts_orders")!;
    expect(orders.depends_on).toEqual(["stg_orders", "stg_payments"]);
    expect(orders).toMatchObject({
      tags: ["daily"],
      schema_name: "finance",
      materialization: "incremental",
      meta: { owner: "fin" },
      description: "orders",
      unique_id: "model.shop.marts_orders",
      path: "models/marts_orders.sql",
      compute: "duckdb",
    });
    expect(models.find((m) => m.name === "raw_payments")!.materialization).toBe("seed");
    expect(artifacts.metadata).toMatchObject({ product_name: "shop", floe_version: "9.9.9", compiled_at: "2026-02-03T04:05:06Z" });
  });

  it("is deterministic and hashes only what it read", () => {
    const a = artifactsFromManifest(parseDbtManifest(shop), options).artifacts;
    const regenerated = { ...shop, metadata: { ...shop.metadata, generated_at: "2030-01-01T00:00:00Z", invocation_id: "x" } };
    const b = artifactsFromManifest(parseDbtManifest(regenerated), { ...options, compiledAt: "2026-02-03T04:05:06Z" }).artifacts;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const changed = structuredClone(shop);
    changed.nodes["model.shop.stg_orders"]!.checksum = { name: "sha256", checksum: "other" };
    expect(artifactsFromManifest(parseDbtManifest(changed), options).artifacts.metadata.source_hash).not.toBe(a.metadata.source_hash);
  });

  it("accepts manifest v10 and v11 and refuses others naming the field", () => {
    for (const v of [10, 11]) expect(() => parseDbtManifest(manifest([node("model.a.b")], v))).not.toThrow();
    for (const v of [9, 13]) {
      try {
        parseDbtManifest(manifest([node("model.a.b")], v));
        expect.unreachable();
      } catch (error) {
        expect(isFloeError(error, "FLOE_MANIFEST_INVALID")).toBe(true);
        expect((error as { path: string }).path).toBe("metadata.dbt_schema_version");
      }
    }
  });

  it("names the bad field of a malformed manifest", () => {
    const bad = manifest([node("model.a.b")]);
    (bad.nodes["model.a.b"] as Record<string, unknown>).tags = "daily";
    expect(() => parseDbtManifest(bad)).toThrow(expect.objectContaining({ code: "FLOE_MANIFEST_INVALID", path: "nodes.model.a.b.tags" }));
  });

  it("validates the product name and the orchestration extension", () => {
    expect(() => artifactsFromManifest(parseDbtManifest(shop), { ...options, product: "bad name" })).toThrow(
      expect.objectContaining({ code: "FLOE_USAGE", path: "--product" }),
    );
    expect(() =>
      artifactsFromManifest(parseDbtManifest(shop), { ...options, orchestration: { jobs: [{ name: "j", select: { models: ["nope"] } }] } }),
    ).toThrow(expect.objectContaining({ path: "orchestration.jobs[0].select.models[0]" }));
  });

  it("refuses two transforms sharing a name", () => {
    const dup = manifest([node("model.a.x"), node("model.b.x")]);
    expect(() => artifactsFromManifest(parseDbtManifest(dup), options)).toThrow(expect.objectContaining({ code: "FLOE_MANIFEST_INVALID" }));
  });
});

