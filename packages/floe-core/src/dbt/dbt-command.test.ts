import { describe, expect, it } from "vitest";
import { dbtNodeArgs, dbtSelectionArgs } from "./dbt-command.js";

describe("dbtNodeArgs", () => {
  it("builds one node with buildable indirect selection, so tests wait for every node they read", () => {
    expect(dbtNodeArgs("build", "orders")).toEqual(["build", "--select", "orders", "--indirect-selection", "buildable"]);
  });

  it("runs one node without tests for `run`", () => {
    expect(dbtNodeArgs("run", "orders")).toEqual(["run", "--select", "orders"]);
  });

  it("keeps the node value as given (a placeholder the plugin renders its own way)", () => {
    const node = Symbol("node");
    expect(dbtNodeArgs("build", node)[2]).toBe(node);
  });
});

describe("dbtSelectionArgs", () => {
  it("selects every node in one invocation with the per-node flags", () => {
    expect(dbtSelectionArgs("build", ["a", "b"])).toEqual(["build", "--select", "a", "b", "--indirect-selection", "buildable"]);
    expect(dbtSelectionArgs("run", ["a"])).toEqual(["run", "--select", "a"]);
  });
});
