import { describe, expect, it } from "vitest";
import { isPythonKeyword } from "floe-core";
import { dagsterPackageName } from "./index.js";

const pkg = (product: string) => dagsterPackageName({ metadata: { product_name: product } } as Parameters<typeof dagsterPackageName>[0]);

describe("dagsterPackageName", () => {
  it("is floe_<product> for a product name that is already a lower-case identifier", () => {
    expect(pkg("jaffle_shop")).toBe("floe_jaffle_shop");
    expect(pkg("orders2")).toBe("floe_orders2");
  });

  it("keeps the allowed characters of any other name, lower case, with a hash: a valid identifier, never a keyword", () => {
    const names = ["shop-analytics", "Shop", "class", "None", "2fast", "café", "a b", "x".repeat(128), "dagster", "__init__", "_"];
    for (const name of names) {
      const result = pkg(name);
      expect(result, name).toMatch(/^floe_[a-z0-9_]*$/);
      expect(result.length, name).toBeLessThanOrEqual(80);
      expect(isPythonKeyword(result), name).toBe(false);
    }
    expect(pkg("shop-analytics")).toMatch(/^floe_shop_analytics_h[0-9a-z]{10}$/);
  });

  it("never shadows a module the generated code imports", () => {
    // Every name starts with floe_, so dagster, dagster_dbt, dbt, orjson, ... cannot be shadowed; the floe_ modules can.
    for (const product of ["runtime", "core", "lineage"]) expect(pkg(product)).not.toBe(`floe_${product}`);
    expect(pkg("runtime")).toMatch(/^floe_runtime_h[0-9a-z]{10}$/);
  });

  it("gives distinct products distinct packages, also where only case, '-' or '_' tell them apart", () => {
    const products = ["shop", "Shop", "SHOP", "shop-a", "shop_a", "shop a", "shop.a"];
    expect(new Set(products.map(pkg)).size).toBe(products.length);
  });
});
