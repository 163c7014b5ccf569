import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseArtifactsJson } from "../artifacts/parse-artifacts.js";
import { modelLineage, modelLineagePairs } from "./model-lineage.js";

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/artifacts/v0.10.0.json");
const { artifacts } = parseArtifactsJson(fs.readFileSync(fixture, "utf8"));

describe("modelLineage", () => {
  it("names each model's table as output and its upstream models' tables as inputs", () => {
    const lineage = modelLineage(artifacts);
    const models = artifacts.transforms?.models ?? [];
    expect(Object.keys(lineage)).toEqual(models.map((m) => m.name));
    for (const model of models) {
      expect(lineage[model.name]!.outputs).toHaveLength(1);
      expect(lineage[model.name]!.outputs[0]!.name.endsWith(`.${model.name}`)).toBe(true);
      const deps = [...new Set(model.depends_on ?? [])].filter((d) => models.some((m) => m.name === d));
      expect(lineage[model.name]!.inputs.map((d) => d.name.split(".").pop())).toEqual(deps);
    }
    const pairs = modelLineagePairs(artifacts);
    const first = models[0]!.name;
    expect(pairs[first]![1]).toEqual(lineage[first]!.outputs.map((d) => [d.namespace, d.name]));
  });

  it("adds the dbt sources of the `sources` extension as inputs and names the output by its alias", () => {
    const models = [
      { name: "raw_people", compute: "duckdb", materialization: "seed", depends_on: [] },
      {
        name: "dim_people.v2",
        alias: "dim_people_v2",
        compute: "duckdb",
        schema_name: "marts",
        depends_on: ["raw_people"],
        sources: [
          {
            unique_id: "source.p.crm.people",
            source_name: "crm",
            name: "people",
            database: "dev",
            schema: "crm",
            identifier: "people_raw",
          },
          { unique_id: "source.p.crm.events", source_name: "crm", name: "events" },
        ],
      },
    ];
    const duck = {
      ...artifacts,
      plugins: undefined,
      dbt_profiles: { p: { target: "dev", outputs: { dev: { type: "duckdb", path: "/w/shop.duckdb", schema: "main" } } } },
      transforms: { default_compute: "duckdb", models },
    };
    const lineage = modelLineage(duck as unknown as typeof artifacts)["dim_people.v2"]!;
    expect(lineage.outputs).toEqual([{ namespace: "duckdb:///w/shop.duckdb", name: "shop.marts.dim_people_v2" }]);
    expect(lineage.inputs).toEqual([
      { namespace: "duckdb:///w/shop.duckdb", name: "shop.main.raw_people" },
      // DuckDB: the run-time file is the database, not the one the manifest was parsed against.
      { namespace: "duckdb:///w/shop.duckdb", name: "shop.crm.people_raw" },
      { namespace: "duckdb:///w/shop.duckdb", name: "shop.main.events" },
    ]);
    const pg = {
      ...duck,
      dbt_profiles: { p: { target: "dev", outputs: { dev: { type: "postgres", host: "db", dbname: "analytics", schema: "public" } } } },
    };
    expect(modelLineage(pg as unknown as typeof artifacts)["dim_people.v2"]!.inputs.slice(1)).toEqual([
      { namespace: "postgres://db:5432", name: "dev.crm.people_raw" },
      { namespace: "postgres://db:5432", name: "analytics.public.events" },
    ]);
  });

  it("gives empty dataset lists when the artifacts name no warehouse", () => {
    const bare = { ...artifacts, dbt_profiles: null, plugins: undefined };
    const lineage = modelLineage(bare as typeof artifacts);
    for (const entry of Object.values(lineage)) expect(entry).toEqual({ inputs: [], outputs: [] });
  });

  it("gives empty dataset lists for a warehouse floe has no OpenLineage naming for", () => {
    const odd = { ...artifacts, dbt_profiles: { p: { target: "dev", outputs: { dev: { type: "clickhouse" } } } }, plugins: undefined };
    const lineage = modelLineage(odd as typeof artifacts);
    expect(Object.keys(lineage)).toHaveLength(artifacts.transforms!.models.length);
    for (const entry of Object.values(lineage)) expect(entry).toEqual({ inputs: [], outputs: [] });
  });

  it("gives every one of 10,000 chained models empty lists without a warehouse", () => {
    const models = Array.from({ length: 10_000 }, (_, i) => ({ name: `m${i}`, depends_on: i ? [`m${i - 1}`] : [] }));
    const big = { ...artifacts, dbt_profiles: null, plugins: undefined, transforms: { models } };
    const lineage = modelLineage(big as unknown as typeof artifacts);
    expect(lineage.m9999).toEqual({ inputs: [], outputs: [] });
  });
});
