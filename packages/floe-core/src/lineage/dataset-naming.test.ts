import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseArtifactsJson } from "../artifacts/parse-artifacts.js";
import {
  bigqueryDataset,
  duckdbDataset,
  modelDataset,
  postgresDataset,
  snowflakeAccountIdentifier,
  snowflakeDataset,
  warehouseDataset,
} from "./dataset-naming.js";

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/artifacts/v0.10.0.json");

describe("dataset naming (OpenLineage naming conventions)", () => {
  it("names DuckDB tables duckdb://<path> and <database>.<schema>.<table>", () => {
    expect(duckdbDataset({ path: "/data/warehouse.duckdb", schema: "main", table: "orders" })).toEqual({
      namespace: "duckdb:///data/warehouse.duckdb",
      name: "warehouse.main.orders",
    });
    expect(warehouseDataset({ type: "duckdb" }, "main", "t").name).toBe("memory.main.t");
  });

  it("names PostgreSQL, Snowflake and BigQuery tables", () => {
    expect(postgresDataset({ host: "db", database: "shop", schema: "public", table: "orders" })).toEqual({
      namespace: "postgres://db:5432",
      name: "shop.public.orders",
    });
    expect(warehouseDataset({ type: "postgres", host: "db", port: 6543, dbname: "shop" }, "s", "t")).toEqual({
      namespace: "postgres://db:6543",
      name: "shop.s.t",
    });
    expect(snowflakeDataset({ account: "acme-prod", database: "DB", schema: "S", table: "T" }).namespace).toBe("snowflake://acme-prod");
    expect(snowflakeAccountIdentifier("xy12345")).toBe("xy12345.us-west-1.aws");
    expect(snowflakeAccountIdentifier("xy12345.us-east-1")).toBe("xy12345.us-east-1.aws");
    expect(bigqueryDataset({ project: "p", dataset: "d", table: "t" })).toEqual({ namespace: "bigquery", name: "p.d.t" });
  });

  it("names a model of the artifacts after their warehouse", () => {
    const { artifacts } = parseArtifactsJson(fs.readFileSync(fixture, "utf8"));
    expect(modelDataset(artifacts, { name: "orders", schema_name: "analytics" })).toEqual({
      namespace: "duckdb://warehouse.duckdb",
      name: "warehouse.analytics.orders",
    });
  });

  it("refuses a warehouse it has no convention for, naming the field", () => {
    expect(() => warehouseDataset({ type: "excel" }, "s", "t")).toThrow(/no OpenLineage naming/);
  });
});
