// A missing optional dependency degrades to a warning: in an environment with dagster, dagster-dbt and
// dbt-duckdb but no openlineage-python (scripts/python-env.sh dagster-minimal), the example's code
// location, generated with a lineage endpoint, still materializes every asset; the run log says once
// per lineage client that OpenLineage is off because the package is missing.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EXAMPLE,
  copyExample,
  dagsterTarget,
  dbtParse,
  floeGenerate,
  makeWorkspace,
  python,
  run,
  type RunResult,
  type Workspace,
} from "./tools.js";

describe("the code location without openlineage-python", () => {
  let ws: Workspace;
  let materialize: RunResult;

  beforeAll(() => {
    ws = makeWorkspace("floe-dagster-minimal-", "dagster-minimal");
    const project = join(ws.dir, "jaffle_shop");
    copyExample(project);
    const artifacts = JSON.parse(readFileSync(join(EXAMPLE, "compiled_artifacts.json"), "utf8")) as {
      observability: Record<string, unknown>;
    };
    // Lineage on, towards a port nothing listens on: the code must reach for openlineage-python.
    artifacts.observability = { ...artifacts.observability, lineage: true, lineage_endpoint: "http://127.0.0.1:9/lineage" };
    writeFileSync(join(ws.dir, "artifacts.json"), JSON.stringify(artifacts));
    dbtParse(ws, project);
    const out = join(ws.dir, "out");
    floeGenerate(ws, join(ws.dir, "artifacts.json"), out, project);
    materialize = run(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)]);
  });

  it("really lacks openlineage-python", () => {
    expect(python(ws, ["-c", "import openlineage"]).stderr).toMatch(/ModuleNotFoundError: No module named 'openlineage'/);
  });

  it("materializes every asset, with a warning instead of a failed run", () => {
    expect(materialize.status, materialize.stderr.slice(-3000)).toBe(0);
    expect(materialize.stderr).toMatch(/RUN_SUCCESS/);
    expect(materialize.stderr).not.toMatch(/ModuleNotFoundError/);
    expect(materialize.stderr).toMatch(/openlineage-python is not installed/);
  });
});
