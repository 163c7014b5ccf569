import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FLOE_RUNTIME_VERSION, floeRuntimeRequirement } from "./runtime-version.js";

const RUNTIME = new URL("../../../python/floe-runtime/", import.meta.url);

describe("FLOE_RUNTIME_VERSION", () => {
  it("is the version python/floe-runtime declares (pyproject.toml and __version__)", () => {
    const pyproject = readFileSync(new URL("pyproject.toml", RUNTIME), "utf8");
    expect(/^version = "([^"]+)"$/m.exec(pyproject)?.[1]).toBe(FLOE_RUNTIME_VERSION);
    const init = readFileSync(new URL("src/floe_runtime/__init__.py", RUNTIME), "utf8");
    expect(/^__version__ = "([^"]+)"$/m.exec(init)?.[1]).toBe(FLOE_RUNTIME_VERSION);
  });

  it("pins it exactly, with a plugin's extra when asked", () => {
    expect(floeRuntimeRequirement()).toBe(`floe-runtime==${FLOE_RUNTIME_VERSION}`);
    expect(floeRuntimeRequirement("dagster")).toBe(`floe-runtime[dagster]==${FLOE_RUNTIME_VERSION}`);
    const pyproject = readFileSync(new URL("pyproject.toml", RUNTIME), "utf8");
    for (const extra of ["dagster", "airflow"]) expect(pyproject).toMatch(new RegExp(`^${extra} = \\[`, "m"));
  });
});
