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
    { name: "orders by day", depends_on: ["orders"] },
  ];

  it("gives one spec per transform with upstream task ids from depends_on", () => {
    const specs = new AirflowPlugin().createAssetsFromTransforms(transforms);
    expect(specs.map((s) => [s.taskId, s.model, s.upstream])).toEqual([
      ["stg_orders", "stg_orders", []],
      ["orders", "orders", ["stg_orders"]],
      [airflowTaskId("orders by day"), "orders by day", ["orders"]],
    ]);
    expect(specs[1]!.tags).toEqual(["mart"]);
    expect(airflowTaskId("orders by day")).toMatch(/^orders_by_day_h[0-9a-z]{10}$/);
  });

  it("drops edges that leave a selection", () => {
    const specs = createTaskSpecs(transforms, { selection: new Set(["orders", "orders by day"]) });
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
