/** Several products in one Dagster deployment: ids that would collide are refused, never renamed. */
import { readFileSync } from "node:fs";
import { parseArtifacts } from "floe-core";
import { describe, expect, it } from "vitest";
import { DagsterPlugin } from "./dagster-plugin.js";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/jaffle_shop/products/${name}.json`, import.meta.url), "utf8")) as Record<string, any>;
const validated = (doc: unknown) => parseArtifacts(doc).artifacts;

describe("DagsterPlugin.products.generate", () => {
  it("one package per product, the consumer's sensor watching the producer's asset keys", () => {
    const result = new DagsterPlugin().products.generate([
      { artifacts: validated(read("jaffle_raw")) },
      { artifacts: validated(read("jaffle_marts")) },
    ]);
    const paths = result.files.map((f) => f.path);
    expect(paths).toContain("floe_jaffle_raw/definitions.py");
    expect(paths).toContain("floe_jaffle_marts/compiled_artifacts.json");
    expect(paths).not.toContain("compiled_artifacts.json");
    const marts = result.files.find((f) => f.path === "floe_jaffle_marts/definitions.py")!.content;
    expect(marts).toContain('    name="jaffle_marts_on_consumed_assets",');
    expect(marts).toContain("    sensors=[jaffle_marts_on_consumed_assets_sensor],");
    expect(result.files.find((f) => f.path === "floe_jaffle_raw/definitions.py")!.content).not.toContain("@sensor");
  });

  it("refuses an asset key two products share", () => {
    const other = read("jaffle_raw");
    other.metadata.product_name = "jaffle_raw_copy";
    expect(() =>
      new DagsterPlugin().products.generate([{ artifacts: validated(read("jaffle_raw")) }, { artifacts: validated(other) }]),
    ).toThrow(
      expect.objectContaining({
        code: "FLOE_ARTIFACTS_INVALID",
        message: 'Dagster asset key "raw_customers" of product "jaffle_raw_copy" is also one of product "jaffle_raw"',
      }),
    );
  });
});
