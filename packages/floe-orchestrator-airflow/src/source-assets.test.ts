// dbt sources as Airflow Assets on the tasks reading them (the real DagBag: test/e2e/source-freshness.test.ts).
import { describe, expect, it } from "vitest";
import type { CompiledArtifacts } from "floe-core";
import { freshnessTasks, sourceAsset } from "./dag-model.js";

describe("sourceAsset", () => {
  it("names the Asset by the source's unique_id and its URI by the relation, each part percent-encoded", () => {
    expect(
      sourceAsset({ unique_id: "source.shop.raw.orders", source_name: "raw", name: "orders", database: "dev", schema: "raw_data" }),
    ).toEqual({
      name: "source.shop.raw.orders",
      uri: "dbt-source://dev/raw_data/orders",
    });
    expect(sourceAsset({ unique_id: "source.shop.crm.people", source_name: "crm", name: "people", identifier: "people raw/2" })).toEqual({
      name: "source.shop.crm.people",
      uri: "dbt-source://default/crm/people%20raw%2F2",
    });
  });
});

describe("freshnessTasks", () => {
  it("runs a source's check before the models reading it, after what they wait for, never after their descendants", () => {
    const source = {
      unique_id: "source.p.raw.orders",
      source_name: "raw",
      name: "orders",
      freshness: { warn_after: { count: 1, period: "day" as const } },
    };
    const artifacts = {
      transforms: {
        models: [
          { name: "raw_orders", compute: "duckdb" },
          { name: "stg_orders", compute: "duckdb", depends_on: ["raw_orders"], sources: [source] },
          { name: "orders", compute: "duckdb", depends_on: ["stg_orders"], sources: [source] },
        ],
      },
    } as unknown as CompiledArtifacts;
    const task = (taskId: string, upstream: string[]) => ({
      taskId,
      model: taskId,
      upstream,
      tags: [],
      description: null,
      materialization: null,
      runSettings: null,
    });
    const tasks = [task("raw_orders", []), task("stg_orders", ["raw_orders"]), task("orders", ["stg_orders"])];
    expect(freshnessTasks(artifacts, tasks)).toEqual([
      { taskId: "freshness__raw__orders", selector: "source:raw.orders", downstream: ["stg_orders", "orders"], upstream: ["raw_orders"] },
    ]);
  });
});
