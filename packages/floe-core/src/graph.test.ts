import { describe, expect, it } from "vitest";
import { isFloeError, type FloeError } from "./errors.js";
import { checkTransformGraph, topologicalOrder } from "./graph.js";

function failure(fn: () => unknown): FloeError {
  try {
    fn();
  } catch (error) {
    if (isFloeError(error, "FLOE_GRAPH_INVALID")) return error;
    throw error;
  }
  throw new Error("expected FLOE_GRAPH_INVALID");
}

describe("topologicalOrder", () => {
  it("puts every model after its dependencies, input order breaking ties", () => {
    const order = topologicalOrder([
      { name: "orders", depends_on: ["stg_orders", "customers"] },
      { name: "stg_orders" },
      { name: "customers", depends_on: ["stg_customers", "stg_customers"] },
      { name: "stg_customers", depends_on: null },
    ]);
    expect(order).toEqual(["stg_orders", "stg_customers", "customers", "orders"]);
  });

  it("names both places of a duplicate", () => {
    const error = failure(() => checkTransformGraph([{ name: "a" }, { name: "b" }, { name: "a" }], "transforms.models"));
    expect(error.message).toContain('"a" is defined twice');
    expect(error.path).toBe("transforms.models[2].name");
    expect(error.message).toContain("transforms.models[0]");
  });

  it("names a dangling dependency and where it is", () => {
    const error = failure(() => checkTransformGraph([{ name: "a", depends_on: ["ghost"] }], "transforms.models"));
    expect(error.message).toBe('model "a" depends on "ghost", which names no model');
    expect(error.path).toBe("transforms.models[0].depends_on[0]");
  });

  it("names every model of a cycle in dependency order", () => {
    const error = failure(() =>
      checkTransformGraph([
        { name: "root" },
        { name: "a", depends_on: ["root", "c"] },
        { name: "b", depends_on: ["a"] },
        { name: "c", depends_on: ["b"] },
        { name: "leaf", depends_on: ["a"] },
      ]),
    );
    expect(error.message).toBe("dependency cycle: a -> c -> b -> a");
    expect(error.path).toBe("transforms[1].depends_on");
  });

  it("reports a self-dependency as a cycle", () => {
    expect(failure(() => checkTransformGraph([{ name: "a", depends_on: ["a"] }])).message).toBe("dependency cycle: a -> a");
  });

  it("handles 50,000 models in a chain and in a wide fan-in without recursion limits", () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => ({ name: `m${i}`, depends_on: i ? [`m${i - 1}`] : [] }));
    const order = topologicalOrder([...chain].reverse());
    expect(order[0]).toBe("m0");
    expect(order[49_999]).toBe("m49999");
    const fan = [
      ...Array.from({ length: 49_999 }, (_, i) => ({ name: `s${i}` })),
      { name: "all", depends_on: Array.from({ length: 49_999 }, (_, i) => `s${i}`) },
    ];
    expect(topologicalOrder(fan).at(-1)).toBe("all");
    // A 50k-long cycle is found and named too.
    const ring = chain.map((m, i) => ({ name: m.name, depends_on: [`m${(i + 49_999) % 50_000}`] }));
    expect(failure(() => checkTransformGraph(ring)).message.split(" -> ")).toHaveLength(50_001);
  });
});
