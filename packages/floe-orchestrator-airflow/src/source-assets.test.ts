// dbt sources as Airflow Assets on the tasks reading them (the real DagBag: test/e2e/source-freshness.test.ts).
import { describe, expect, it } from "vitest";
import { sourceAsset } from "./dag-model.js";

describe("sourceAsset", () => {
  it("names the Asset by the source's unique_id and its URI by the relation, each part percent-encoded", () => {
    expect(sourceAsset({ unique_id: "source.shop.raw.orders", source_name: "raw", name: "orders", database: "dev", schema: "raw_data" })).toEqual({
      name: "source.shop.raw.orders",
      uri: "dbt-source://dev/raw_data/orders",
    });
    expect(sourceAsset({ unique_id: "source.shop.crm.people", source_name: "crm", name: "people", identifier: "people raw/2" })).toEqual({
      name: "source.shop.crm.people",
      uri: "dbt-source://default/crm/people%20raw%2F2",
    });
  });
});
