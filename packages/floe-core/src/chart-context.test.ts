import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseArtifactsJson } from "./artifacts/parse-artifacts.js";
import { chartContextFromArtifacts, toLabelValue } from "./chart-context.js";

const fixture = readFileSync(new URL("../test/fixtures/artifacts/v0.10.0.json", import.meta.url), "utf8");

function artifactsWith(observability: Record<string, unknown>, productName = "shop-analytics") {
  const doc = JSON.parse(fixture) as Record<string, any>;
  doc.observability = observability;
  doc.metadata.product_name = productName;
  return parseArtifactsJson(JSON.stringify(doc)).artifacts;
}

describe("chartContextFromArtifacts", () => {
  it("labels the product and passes the lineage endpoint and namespace", () => {
    const { artifacts } = parseArtifactsJson(fixture);
    expect(chartContextFromArtifacts(artifacts)).toEqual({
      labels: { "floe.dev/product": "shop-analytics", "floe.dev/product-version": "3.0.0", "floe.dev/domain": "retail" },
      env: [
        { name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" },
        { name: "OPENLINEAGE_NAMESPACE", value: "shop-analytics" },
      ],
    });
  });

  it("never carries credentials from the lineage endpoint", () => {
    const artifacts = artifactsWith({ lineage: true, lineage_endpoint: "https://user:s3cret@lineage.example/api?api_key=s3cret#x" });
    const text = JSON.stringify(chartContextFromArtifacts(artifacts));
    expect(text).not.toContain("s3cret");
    expect(chartContextFromArtifacts(artifacts).env).toContainEqual({ name: "OPENLINEAGE_URL", value: "https://lineage.example/api" });
  });

  it("turns lineage off when the artifacts do", () => {
    expect(chartContextFromArtifacts(artifactsWith({ lineage: false })).env).toEqual([{ name: "OPENLINEAGE_DISABLED", value: "true" }]);
  });

  it("returns nothing without artifacts", () => {
    expect(chartContextFromArtifacts(undefined)).toEqual({ labels: {}, env: [] });
  });
});

describe("toLabelValue", () => {
  it("makes any product name a valid label value", () => {
    for (const name of ["Shop Analytics!", "-x-", "a".repeat(100), "ünïcode name", "...", "ok_name.v1"]) {
      const value = toLabelValue(name);
      expect(value).toMatch(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/);
    }
    expect(toLabelValue("Shop Analytics!")).toBe("Shop-Analytics");
  });
});
