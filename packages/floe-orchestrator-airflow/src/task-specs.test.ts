import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isFloeError } from "floe-core";
import { AirflowPlugin } from "./airflow-plugin.js";
import { airflowTaskId, createTaskSpecs } from "./task-specs.js";

const AIRFLOW_KEY = /^[A-Za-z0-9_.-]{1,250}$/;

describe("createTaskSpecs", () => {
  const transforms = [
    { name: "stg_orders", depends_on: [] },
    { name: "orders", depends_on: ["stg_orders", "stg_orders"], tags: ["mart"] },
    { name: "orders_by_día", depends_on: ["orders"] },
  ];

  it("gives one spec per transform with upstream task ids from depends_on", () => {
    const specs = new AirflowPlugin().createAssetsFromTransforms(transforms);
    expect(specs.map((s) => [s.taskId, s.model, s.upstream])).toEqual([
      ["stg_orders", "stg_orders", []],
      ["orders", "orders", ["stg_orders"]],
      [airflowTaskId("orders_by_día"), "orders_by_día", ["orders"]],
    ]);
    expect(specs[1]!.tags).toEqual(["mart"]);
    expect(airflowTaskId("orders_by_día")).toMatch(/^orders_by_d_a_h[0-9a-z]{10}$/);
  });

  it("drops edges that leave a selection", () => {
    const specs = createTaskSpecs(transforms, { selection: new Set(["orders", "orders_by_día"]) });
    expect(specs.map((s) => s.upstream)).toEqual([[], ["orders"]]);
  });

  it("refuses a dangling depends_on, naming the field", () => {
    try {
      createTaskSpecs([{ name: "a", depends_on: ["missing"] }]);
      expect.unreachable();
    } catch (error) {
      expect(isFloeError(error, "FLOE_GRAPH_INVALID")).toBe(true);
      expect((error as { path: string }).path).toBe("transforms[0].depends_on[0]");
    }
  });

  it("refuses a name dbt's --select would not match alone, at the field, before any other check", () => {
    for (const [name, index] of [
      ["tag:nightly", 1],
      ["orders+", 1],
      ["a b", 1],
      ["*", 1],
      ["-x", 1],
    ] as const) {
      try {
        createTaskSpecs([{ name: "ok" }, { name, depends_on: ["missing"] }]);
        expect.unreachable();
      } catch (error) {
        expect(isFloeError(error, "FLOE_ARTIFACTS_INVALID"), String(error)).toBe(true);
        expect((error as { path: string }).path).toBe(`transforms[${index}].name`);
        expect((error as Error).message).toContain(JSON.stringify(name));
      }
    }
    expect(() => new AirflowPlugin().createAssetsFromTransforms([{ name: "shop", unique_id: "model.shop.shop" } as never])).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "transforms[0].name" }),
    );
  });

  it("task ids are valid Airflow keys, unique and stable for any names", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 300, unit: "binary" }), { minLength: 1, maxLength: 20 }), (names) => {
        const ids = names.map(airflowTaskId);
        for (const id of ids) expect(id).toMatch(AIRFLOW_KEY);
        expect(new Set(ids).size).toBe(names.length);
        expect(names.map(airflowTaskId)).toEqual(ids);
      }),
      { numRuns: 200 },
    );
  });
});
