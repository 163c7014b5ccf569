// The committed examples/jaffle_shop/compiled_artifacts.json must equal a fresh `dbt parse` +
// `floe artifacts from-dbt` (real dbt from the dagster venv; needs `pnpm build` for bin/floe.js).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script shared with the command line
import { buildExampleArtifacts, EXAMPLE_ARTIFACTS } from "../../../../scripts/build-example-artifacts.mjs";

describe("the bundled example's CompiledArtifacts", () => {
  it("is what a fresh dbt parse + floe artifacts from-dbt produce (run scripts/build-example-artifacts.mjs if not)", () => {
    const fresh = (buildExampleArtifacts as () => string)();
    const committed = readFileSync(EXAMPLE_ARTIFACTS as string, "utf8");
    expect(committed).toBe(fresh);
    const artifacts = JSON.parse(fresh) as {
      transforms: { models: Array<{ name: string; tags: string[]; materialization: string; schema_name: string }> };
    };
    const models = artifacts.transforms.models;
    expect(models.some((m) => m.materialization === "incremental")).toBe(true);
    expect(models.some((m) => m.tags.includes("daily"))).toBe(true);
    expect(models.some((m) => m.schema_name === "finance")).toBe(true);
    expect(models.map((m) => m.name)).not.toContain("order_payments");
  });
});
