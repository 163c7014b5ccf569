import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DagsterPlugin } from "./dagster-plugin.js";
import { TESTED_PINS } from "./render-runtime.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const artifacts = () => JSON.parse(readFileSync(join(ROOT, "examples", "jaffle_shop", "compiled_artifacts.json"), "utf8"));
const file = (files: Array<{ path: string; content: string }>, path: string) =>
  files.find((f) => f.path === path || f.path.endsWith(`/${path}`))!.content;

describe("the code location's declared runtime", () => {
  it("pins what the e2e tests' environment (python/dagster/requirements.txt) holds", () => {
    const pins = readFileSync(join(ROOT, "python", "dagster", "requirements.txt"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect([...TESTED_PINS]).toEqual(pins);
  });

  it("declares the tested ranges and the example's adapter", () => {
    const requirements = file(new DagsterPlugin({ dbtProjectDir: "dbt" }).createDefinitions(artifacts()).render(), "requirements.txt");
    expect(requirements.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([
      "dagster>=1.13,<1.14",
      "dagster-dbt>=0.29,<0.30",
      "dbt-core>=1.11,<1.12",
      "openlineage-python>=1.54,<1.55",
      "./wheels/floe_runtime-0.1.0-py3-none-any.whl[dagster]",
      "dbt-duckdb>=1.11,<1.12",
    ]);
  });

  it("builds a bundled project from the build context alone, an outside one from a named context", () => {
    const bundled = file(new DagsterPlugin({ dbtProjectDir: "dbt" }).createDefinitions(artifacts()).render(), "Dockerfile");
    expect(bundled).not.toMatch(/--from=dbt_project/);
    expect(bundled).toMatch(/^RUN dbt parse --project-dir \/opt\/dagster\/app\/dbt /m);
    const outside = file(new DagsterPlugin({ dbtProjectDir: "../jaffle_shop" }).createDefinitions(artifacts()).render(), "Dockerfile");
    expect(outside).toMatch(/^COPY --from=dbt_project --chown=1001:1001 \. \/opt\/dagster\/dbt$/m);
    expect(outside).toMatch(/^ENV FLOE_DBT_PROJECT_DIR=\/opt\/dagster\/dbt$/m);
  });
});

describe("the dbt project path in definitions.py", () => {
  it("resolves a relative project dir against the output directory (the package's parent), an absolute one as given", () => {
    const relative = file(new DagsterPlugin({ dbtProjectDir: "../my proj" }).createDefinitions(artifacts()).render(), "definitions.py");
    expect(relative).toContain('DBT_PROJECT_DIR = Path(os.environ.get("FLOE_DBT_PROJECT_DIR") or (OUTPUT_DIR / "../my proj").resolve())');
    expect(relative).toContain("OUTPUT_DIR = Path(__file__).parent.parent\n");
    const absolute = file(new DagsterPlugin({ dbtProjectDir: "/srv/dbt" }).createDefinitions(artifacts()).render(), "definitions.py");
    expect(absolute).toContain('DBT_PROJECT_DIR = Path(os.environ.get("FLOE_DBT_PROJECT_DIR") or "/srv/dbt")');
    expect(absolute).not.toContain("OUTPUT_DIR");
  });
});
