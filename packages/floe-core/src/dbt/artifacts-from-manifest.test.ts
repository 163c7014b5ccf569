import { describe, expect, it } from "vitest";
import { isFloeError } from "../errors.js";
import { artifactsFromManifest, formatReport } from "./artifacts-from-manifest.js";
import { parseDbtManifest, parseDbtManifestJson } from "./dbt-manifest.js";

function node(id: string, extra: Record<string, unknown> = {}) {
  const [resource_type, package_name, name] = id.split(".");
  return {
    unique_id: id,
    name,
    resource_type,
    package_name,
    original_file_path: `${resource_type}s/${name}.sql`,
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

function manifest(nodes: Array<ReturnType<typeof node>>, version = 12, extra: Record<string, unknown> = {}) {
  return {
    metadata: {
      dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${version}.json`,
      dbt_version: "1.11.0",
      adapter_type: "duckdb",
      generated_at: "2026-02-03T04:05:06Z",
    },
    nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, n])),
    sources: {},
    ...extra,
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

  it("accepts manifest v7 to v12 and refuses others naming the field", () => {
    for (const v of [7, 8, 9, 10, 11, 12]) expect(parseDbtManifest(manifest([node("model.a.b")], v)).schemaVersion).toBe(v);
    for (const v of [6, 13]) {
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
    expect(() => parseDbtManifest(bad)).toThrow(
      expect.objectContaining({ code: "FLOE_MANIFEST_INVALID", path: 'nodes["model.a.b"].tags' }),
    );
  });

  it("reads only models, seeds and snapshots in full: other node kinds are not validated, a bad model field still is", () => {
    const withTest = manifest([node("model.a.b"), node("test.a.not_null_b", { tags: "not a list", config: "odd" })]);
    const parsed = parseDbtManifest(withTest);
    expect([...parsed.nodes.keys()]).toEqual(["model.a.b"]);
    expect(parsed.others).toEqual([
      { unique_id: "test.a.not_null_b", name: "not_null_b", resource_type: "test", disabled: false, map: "nodes" },
    ]);
    const badConfig = manifest([node("model.a.b", { config: "table" })]);
    expect(() => parseDbtManifest(badConfig)).toThrow(
      expect.objectContaining({ code: "FLOE_MANIFEST_INVALID", path: 'nodes["model.a.b"].config' }),
    );
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

describe("every resource of the manifest is a transform, run with one, or reported", () => {
  const full = manifest(
    [
      node("seed.shop.raw_people"),
      node("snapshot.shop.people_snapshot", {
        config: { enabled: true, materialized: "snapshot" },
        depends_on: { nodes: ["source.shop.crm.people"] },
      }),
      node("model.shop.from_snapshot", { depends_on: { nodes: ["snapshot.shop.people_snapshot", "model.shop.eph"] } }),
      node("model.shop.eph", {
        config: { enabled: true, materialized: "ephemeral" },
        depends_on: { nodes: ["source.shop.crm.events", "seed.shop.raw_people"] },
      }),
      node("model.shop.dim_people", { unique_id: "model.shop.dim_people.v1", version: 1, latest_version: 2, alias: "dim_people_v1" }),
      node("model.shop.dim_people", {
        unique_id: "model.shop.dim_people.v2",
        version: 2,
        latest_version: 2,
        alias: "dim_people_v2",
        depends_on: { nodes: ["model.shop.dim_people.v1"] },
      }),
      node("model.shop.uses_v2", { depends_on: { nodes: ["model.shop.dim_people.v2"] } }),
      node("model.shop.off", { config: { enabled: false, materialized: "table" } }),
      node("test.shop.unique_people"),
      node("test.shop.not_null_people"),
      node("analysis.shop.adhoc"),
      node("operation.shop.shop-on-run-start-0"),
    ].map((n) => ({ ...n })),
    12,
    {
      sources: {
        "source.shop.crm.people": {
          unique_id: "source.shop.crm.people",
          source_name: "crm",
          name: "people",
          database: "dev",
          schema: "crm",
          identifier: "people_raw",
          resource_type: "source",
        },
        "source.shop.crm.events": {
          unique_id: "source.shop.crm.events",
          source_name: "crm",
          name: "events",
          database: "dev",
          schema: "crm",
          identifier: "events",
        },
      },
      exposures: { "exposure.shop.dash": { name: "dash", resource_type: "exposure" } },
      metrics: { "metric.shop.revenue": { name: "revenue" } },
      semantic_models: { "semantic_model.shop.orders": { name: "orders" } },
      saved_queries: { "saved_query.shop.q": { name: "q" } },
      unit_tests: { "unit_test.shop.uses_v2.t1": { name: "t1", resource_type: "unit_test" } },
      disabled: {
        "model.shop.old": [{ name: "old", resource_type: "model" }],
        "test.shop.off_test": [{ name: "off_test", resource_type: "test" }],
      },
    },
  );
  // node() derives unique_id from its first argument; the versioned ones override it.
  for (const id of ["model.shop.dim_people.v1", "model.shop.dim_people.v2"]) {
    const entry = Object.entries(full.nodes).find(([, n]) => n.unique_id === id)!;
    delete (full.nodes as Record<string, unknown>)[entry[0]];
    (full.nodes as Record<string, unknown>)[id] = entry[1];
  }

  it("snapshots are transforms with materialization snapshot, and their dependants depend on them", () => {
    const models = artifactsFromManifest(parseDbtManifest(full), options).artifacts.transforms!.models;
    const snapshot = models.find((m) => m.name === "people_snapshot")!;
    expect(snapshot).toMatchObject({
      materialization: "snapshot",
      unique_id: "snapshot.shop.people_snapshot",
      path: "snapshots/people_snapshot.sql",
    });
    expect(snapshot.sources).toEqual([
      { unique_id: "source.shop.crm.people", source_name: "crm", name: "people", database: "dev", schema: "crm", identifier: "people_raw" },
    ]);
    const from = models.find((m) => m.name === "from_snapshot")!;
    expect(from.depends_on).toEqual(["people_snapshot", "raw_people"]);
    // The ephemeral model's source reaches the model that inlines it.
    expect(from.sources).toEqual([
      { unique_id: "source.shop.crm.events", source_name: "crm", name: "events", database: "dev", schema: "crm" },
    ]);
    expect(models.map((m) => m.name).indexOf("people_snapshot")).toBeLessThan(models.map((m) => m.name).indexOf("from_snapshot"));
  });

  it("carries a source's dbt freshness and loaded_at_field, only when it sets a threshold", () => {
    const withFreshness = manifest(
      [node("model.shop.a", { depends_on: { nodes: ["source.shop.crm.people", "source.shop.crm.events"] } })],
      12,
      {
        sources: {
          "source.shop.crm.people": {
            unique_id: "source.shop.crm.people",
            source_name: "crm",
            name: "people",
            loaded_at_field: "updated_at",
            freshness: { warn_after: { count: 12, period: "hour" }, error_after: { count: null, period: null }, filter: "id > 0" },
          },
          "source.shop.crm.events": {
            unique_id: "source.shop.crm.events",
            source_name: "crm",
            name: "events",
            loaded_at_field: "at",
            freshness: { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null },
          },
        },
      },
    );
    const [model] = artifactsFromManifest(parseDbtManifest(withFreshness), options).artifacts.transforms!.models;
    expect(model!.sources).toEqual([
      {
        unique_id: "source.shop.crm.people",
        source_name: "crm",
        name: "people",
        loaded_at_field: "updated_at",
        freshness: { warn_after: { count: 12, period: "hour" }, filter: "id > 0" },
      },
      { unique_id: "source.shop.crm.events", source_name: "crm", name: "events" },
    ]);
  });

  it("versioned models are named <name>.v<version>, with their alias and edges", () => {
    const models = artifactsFromManifest(parseDbtManifest(full), options).artifacts.transforms!.models;
    expect(models.find((m) => m.unique_id === "model.shop.dim_people.v2")).toMatchObject({
      name: "dim_people.v2",
      alias: "dim_people_v2",
      depends_on: ["dim_people.v1"],
    });
    expect(models.find((m) => m.name === "uses_v2")!.depends_on).toEqual(["dim_people.v2"]);
  });

  it("reports tests as run with their models and every other kind as not orchestrated", () => {
    const { report, artifacts } = artifactsFromManifest(parseDbtManifest(full), options);
    expect(artifacts.transforms!.models.map((m) => m.name).sort()).toEqual([
      "dim_people.v1",
      "dim_people.v2",
      "from_snapshot",
      "people_snapshot",
      "raw_people",
      "uses_v2",
    ]);
    expect(report.tests).toEqual({ data: 2, unit: 1 });
    expect(report.notOrchestrated.map((g) => [g.kind, g.resources.map((r) => r.unique_id)])).toEqual([
      ["ephemeral model", ["model.shop.eph"]],
      ["disabled", ["model.shop.off", "model.shop.old"]],
      ["analysis", ["analysis.shop.adhoc"]],
      ["operation", ["operation.shop.shop-on-run-start-0"]],
      ["exposure", ["exposure.shop.dash"]],
      ["metric", ["metric.shop.revenue"]],
      ["semantic_model", ["semantic_model.shop.orders"]],
      ["saved_query", ["saved_query.shop.q"]],
    ]);
    const lines = formatReport(report);
    expect(lines[0]).toBe("floe: tests: 2 data tests and 1 unit test run with the models they test (dbt build)");
    expect(lines).toContain(
      "floe: not orchestrated: 2 disabled nodes (off, old): disabled in the dbt project (`enabled: false`), so dbt does not build them either",
    );
    expect(lines).toContain("floe: not orchestrated: 1 analysis (adhoc): analyses are only compiled by dbt, never run");
    expect(lines).toHaveLength(9);
  });

  it("caps the names listed per kind and keeps each report line one line", () => {
    const many = manifest([
      node("model.a.m"),
      ...Array.from({ length: 8 }, (_, i) => node(`analysis.a.x${i}`)),
      node("analysis.a.evil", { name: "ev\nil" }),
    ]);
    const lines = formatReport(artifactsFromManifest(parseDbtManifest(many), options).report);
    expect(lines).toEqual([
      "floe: not orchestrated: 9 analyses (ev\\u000ail, x0, x1, x2, x3, … 4 more): analyses are only compiled by dbt, never run",
    ]);
  });

  it("--strict refuses a manifest with anything not orchestrated, naming the first resource; tests alone pass", () => {
    expect(() => artifactsFromManifest(parseDbtManifest(full), { ...options, strict: true })).toThrow(
      expect.objectContaining({
        code: "FLOE_MANIFEST_NOT_ORCHESTRATED",
        path: 'nodes["model.shop.eph"]',
        message: expect.stringContaining("1 ephemeral model, 2 disabled nodes, 1 analysis"),
      }),
    );
    const testsOnly = manifest([node("model.a.m"), node("test.a.t")], 12, {
      unit_tests: { "unit_test.a.m.u": { name: "u" } },
      disabled: { "test.a.off": [{ name: "off", resource_type: "test" }] },
    });
    expect(artifactsFromManifest(parseDbtManifest(testsOnly), { ...options, strict: true }).report).toEqual({
      tests: { data: 1, unit: 1 },
      notOrchestrated: [],
    });
  });

  it("keeps a node keyed __proto__ (ids are data)", () => {
    const text = JSON.stringify(manifest([node("model.a.m")])).replace('"model.a.m":', '"__proto__":');
    const parsed = parseDbtManifestJson(text);
    expect([...parsed.nodes.keys()]).toEqual(["__proto__"]);
    expect(artifactsFromManifest(parsed, options).artifacts.transforms!.models.map((m) => m.name)).toEqual(["m"]);
  });

  it("refuses a model name with a control character at its field", () => {
    for (const name of ["a\u0000b", "tab\tbed", "esc\u001b", "c1\u0085"]) {
      const bad = manifest([node("model.a.ok"), node("model.a.x", { name })]);
      expect(() => artifactsFromManifest(parseDbtManifest(bad), options), JSON.stringify(name)).toThrow(
        expect.objectContaining({
          code: "FLOE_MANIFEST_INVALID",
          path: 'nodes["model.a.x"].name',
          message: expect.stringContaining("control character"),
        }),
      );
    }
  });
});

describe("per-model run settings from dbt meta `floe`", () => {
  const build = (extra: Record<string, unknown>) =>
    artifactsFromManifest(parseDbtManifest(manifest([node("model.shop.orders", extra), node("model.shop.plain")])), {
      product: "shop",
      floeVersion: "0.0.0",
    });
  const settingsOf = (extra: Record<string, unknown>) =>
    build(extra).artifacts.transforms!.models.find((m) => m.name === "orders")!.run_settings;
  const errorOf = (extra: Record<string, unknown>) => {
    try {
      build(extra);
    } catch (error) {
      if (isFloeError(error)) return error;
      throw error;
    }
    throw new Error("expected a FloeError");
  };

  it("carries meta.floe into run_settings, config.meta.floe winning key by key", () => {
    const settings = settingsOf({
      meta: { floe: { retries: 3, retry_delay_seconds: 60, pool: "warehouse" }, owner: "x" },
      config: {
        enabled: true,
        materialized: "table",
        meta: { floe: { pool: "big_warehouse", timeout_seconds: 600, retry_test_failures: true } },
      },
    });
    expect(settings).toEqual({
      retries: 3,
      retry_delay_seconds: 60,
      pool: "big_warehouse",
      timeout_seconds: 600,
      retry_test_failures: true,
    });
    // the rest of meta is copied as before, and a model without `floe` has no run_settings
    const models = build({ meta: { floe: { retries: 1 } } }).artifacts.transforms!.models;
    expect(models.find((m) => m.name === "plain")!.run_settings).toBeUndefined();
    expect(models.find((m) => m.name === "orders")!.meta).toEqual({ floe: { retries: 1 } });
  });

  it("refuses a negative retries, naming the model and the field", () => {
    const error = errorOf({ meta: { floe: { retries: -1 } } });
    expect(error.code).toBe("FLOE_MANIFEST_INVALID");
    expect(error.path).toBe('nodes["model.shop.orders"].meta.floe.retries');
    expect(error.message).toContain("model.shop.orders");
  });

  it("refuses an unknown key (a typo) naming it, and lists the keys floe reads", () => {
    const error = errorOf({ config: { enabled: true, meta: { floe: { retires: 3 } } } });
    expect(error.code).toBe("FLOE_MANIFEST_INVALID");
    expect(error.path).toBe('nodes["model.shop.orders"].config.meta.floe.retires');
    expect(error.hint).toContain("retry_delay_seconds");
  });

  it("refuses floe meta that is not a mapping, and a pool name with spaces", () => {
    expect(errorOf({ meta: { floe: "retries=3" } }).path).toBe('nodes["model.shop.orders"].meta.floe');
    expect(errorOf({ meta: { floe: { pool: "my pool" } } }).path).toBe('nodes["model.shop.orders"].meta.floe.pool');
  });
});
