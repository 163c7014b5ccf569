import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FLOE_RUNTIME_VERSION, FLOE_RUNTIME_WHEEL_PATH, floeRuntimeRequirement } from "./runtime-version.js";

const RUNTIME = new URL("../../../python/floe-runtime/", import.meta.url);

describe("FLOE_RUNTIME_VERSION", () => {
  it("is the version python/floe-runtime declares (pyproject.toml and __version__)", () => {
    const pyproject = readFileSync(new URL("pyproject.toml", RUNTIME), "utf8");
    expect(/^version = "([^"]+)"$/m.exec(pyproject)?.[1]).toBe(FLOE_RUNTIME_VERSION);
    const init = readFileSync(new URL("src/floe_runtime/__init__.py", RUNTIME), "utf8");
    expect(/^__version__ = "([^"]+)"$/m.exec(init)?.[1]).toBe(FLOE_RUNTIME_VERSION);
  });

  it("names the wheel shipped in the output by its relative path (never an index name), with a plugin's extra when asked", () => {
    expect(FLOE_RUNTIME_WHEEL_PATH).toBe(`wheels/floe_runtime-${FLOE_RUNTIME_VERSION}-py3-none-any.whl`);
    expect(floeRuntimeRequirement()).toBe(`./wheels/floe_runtime-${FLOE_RUNTIME_VERSION}-py3-none-any.whl`);
    expect(floeRuntimeRequirement("dagster")).toBe(`./wheels/floe_runtime-${FLOE_RUNTIME_VERSION}-py3-none-any.whl[dagster]`);
    const pyproject = readFileSync(new URL("pyproject.toml", RUNTIME), "utf8");
    for (const extra of ["dagster", "airflow"]) expect(pyproject).toMatch(new RegExp(`^${extra} = \\[`, "m"));
  });
});
