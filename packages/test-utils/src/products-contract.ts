/**
 * Test support (not part of the build): what every orchestrator plugin's `products` capability promises
 * for the example's two products (examples/jaffle_shop/products: jaffle_raw, and jaffle_marts consuming
 * it), as one shared vitest suite. Each plugin's products test adds what is particular to its output.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseArtifacts, type GenerateResult, type ProductsCapability, type ValidatedArtifacts } from "floe-core";

/** One of the example's products as a plain document (to edit before validating). */
export function readProduct(name: "jaffle_raw" | "jaffle_marts"): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../../examples/jaffle_shop/products/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    any
  >;
}

/** A document validated by floe-core's parser (what `generate` takes). */
export function validated(doc: unknown): ValidatedArtifacts {
  return parseArtifacts(doc).artifacts;
}

export interface ProductsContract {
  /** E.g. "AirflowPlugin": the suite is "<name>.products: the shared contract". */
  name: string;
  plugin(): { generate(artifacts: ValidatedArtifacts): GenerateResult; products: ProductsCapability };
}

/** Registers the shared suite: consumes needs several products; the products run one dbt project. */
export function describeProductsContract({ name, plugin }: ProductsContract): void {
  describe(`${name}.products: the shared contract`, () => {
    it("refuses consumes in a single-product generate", () => {
      expect(() => plugin().generate(validated(readProduct("jaffle_marts")))).toThrow(
        expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: 'product "jaffle_marts": orchestration.consumes[0].product' }),
      );
    });

    it("refuses products running different dbt projects (one output's image holds one), naming --dbt-project", () => {
      expect(() =>
        plugin().products.generate([
          { artifacts: validated(readProduct("jaffle_raw")), dbtProjectDir: "../raw_project" },
          { artifacts: validated(readProduct("jaffle_marts")), dbtProjectDir: "../marts_project" },
        ]),
      ).toThrow(
        expect.objectContaining({
          code: "FLOE_USAGE",
          path: "--dbt-project",
          message:
            'products "jaffle_raw" and "jaffle_marts" run different dbt projects ("../raw_project", "../marts_project"); one output\'s image holds one',
        }),
      );
      // One project for both: accepted, one image.
      const same = plugin().products.generate([
        { artifacts: validated(readProduct("jaffle_raw")), dbtProjectDir: "../shop" },
        { artifacts: validated(readProduct("jaffle_marts")), dbtProjectDir: "../shop" },
      ]);
      expect(same.warnings.join("\n")).not.toMatch(/dbt project/);
      expect(same.files.filter((f) => f.path === "Dockerfile")).toHaveLength(1);
    });
  });
}
