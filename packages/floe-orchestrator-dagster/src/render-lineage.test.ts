import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArtifactsJson, resolveJobs } from "floe-core";
import { buildLineageModel, renderLineagePy } from "./render-lineage.js";

const example = join(import.meta.dirname, "..", "..", "..", "examples", "jaffle_shop", "compiled_artifacts.json");
const base = parseArtifactsJson(readFileSync(example, "utf8")).artifacts;
const plugin = { name: "floe-orchestrator-dagster", version: "0.0.0" };
const profiles = { jaffle_shop: { target: "dev", outputs: { dev: { type: "duckdb", path: "jaffle_shop.duckdb" } } } };

describe("floe_lineage.py", () => {
  it("names the endpoint, namespace, jobs and each model's datasets from the artifacts", () => {
    const artifacts = {
      ...base,
      dbt_profiles: profiles,
      observability: { ...base.observability, lineage: true, lineage_endpoint: "http://lineage:5000" },
    };
    const model = buildLineageModel(artifacts, plugin, resolveJobs(artifacts));
    expect(model).toMatchObject({
      enabled: true,
      url: "http://lineage:5000",
      transport: "http",
      namespace: "jaffle_shop",
      defaultJob: "jaffle_shop",
    });
    expect(model.jobs).toEqual({ jaffle_shop: "jaffle_shop", daily_marts: "daily_marts" });
    expect(model.models.orders).toEqual([
      [
        ["duckdb://jaffle_shop.duckdb", "jaffle_shop.main.stg_orders"],
        ["duckdb://jaffle_shop.duckdb", "jaffle_shop.main.stg_payments"],
      ],
      [["duckdb://jaffle_shop.duckdb", "jaffle_shop.main.orders"]],
    ]);
    expect(model.uniqueIds["model.jaffle_shop.orders"]).toBe("orders");
    const py = renderLineagePy(model, { plugin: "dagster", version: "0.0.0" });
    expect(py).toContain('url="http://lineage:5000",');
    expect(py).toContain('transport="http",');
    // Configuration only: the runtime is the floe-runtime package, not a copy in the file.
    expect(py).toContain("from floe_runtime.dagster import DagsterLineage");
    expect(py).not.toMatch(/^(def|class) /m);
  });

  it("turns off with observability.lineage false and never holds a key from the environment", () => {
    process.env.OPENLINEAGE_API_KEY = "must-not-appear";
    try {
      const artifacts = { ...base, observability: { ...base.observability, lineage: false } };
      const py = renderLineagePy(buildLineageModel(artifacts, plugin, resolveJobs(artifacts)), { plugin: "dagster", version: "0.0.0" });
      expect(py).toContain("enabled=False,");
      expect(py).not.toContain("must-not-appear");
    } finally {
      delete process.env.OPENLINEAGE_API_KEY;
    }
  });

  it("keeps hostile model names as escaped literals", () => {
    const hostile = 'x"""; import os; os.system("touch CANARY") #';
    const models = [...(base.transforms?.models ?? []), { ...base.transforms!.models[0]!, name: hostile, unique_id: "model.x.y" }];
    const artifacts = { ...base, transforms: { ...base.transforms!, models } };
    const py = renderLineagePy(buildLineageModel(artifacts, plugin, resolveJobs(artifacts)), { plugin: "dagster", version: "0.0.0" });
    expect(py).not.toContain(hostile);
    expect(py).toContain(String.raw`"x\"\"\"; import os; os.system(\"touch CANARY\") #"`);
  });
});
