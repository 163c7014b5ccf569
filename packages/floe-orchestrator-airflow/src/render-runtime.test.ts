import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AirflowPlugin } from "./airflow-plugin.js";
import { TESTED_PINS } from "./render-runtime.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const artifacts = () => JSON.parse(readFileSync(join(ROOT, "examples", "jaffle_shop", "compiled_artifacts.json"), "utf8"));
const file = (files: Array<{ path: string; content: string }>, path: string) => files.find((f) => f.path === path)!.content;

describe("the DAGs' declared runtime", () => {
  it("pins what the e2e tests' environment (python/airflow/requirements.txt) holds", () => {
    const pins = readFileSync(join(ROOT, "python", "airflow", "requirements.txt"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect([...TESTED_PINS]).toEqual(pins);
  });

  it("declares the tested ranges and the example's adapter; the image is the chart's Airflow", () => {
    const files = new AirflowPlugin({ dbtProjectDir: "dbt" }).createDefinitions(artifacts()).render();
    expect(
      file(files, "requirements.txt")
        .split("\n")
        .filter((l) => l && !l.startsWith("#")),
    ).toEqual([
      "apache-airflow>=3.3,<3.4",
      "apache-airflow-providers-standard>=1.21,<1.22",
      "apache-airflow-providers-openlineage>=2.20,<2.21",
      "dbt-core>=1.11,<1.12",
      "./wheels/floe_runtime-0.1.0-py3-none-any.whl[airflow]",
      "dbt-duckdb>=1.11,<1.12",
    ]);
    const values = readFileSync(join(ROOT, "charts", "floe-airflow", "values.yaml"), "utf8");
    const repository = /^image:\n {2}repository: (\S+)\n(?: {2}#.*\n)* {2}tag: "([^"]+)"/m.exec(values)!;
    expect(file(files, "Dockerfile")).toMatch(
      new RegExp(`^FROM ${repository[1]!.replace(/\./g, "\\.")}:${repository[2]!.replace(/\./g, "\\.")}$`, "m"),
    );
  });
});

describe("the dbt project path in the DAG files", () => {
  it("resolves a relative project dir against the DAG file, with FLOE_DBT_PROJECT_DIR first", () => {
    const [dag] = new AirflowPlugin({ dbtProjectDir: "dbt" }).createDefinitions(artifacts()).render();
    expect(dag!.content).toContain(
      'DBT_PROJECT_DIR = os.environ.get("FLOE_DBT_PROJECT_DIR") or os.fspath((Path(__file__).parent / "dbt").resolve())',
    );
    expect(dag!.content).toMatch(/^DBT_ENV = \{\*\*\{[\s\S]*?\}, "DBT_PROJECT_DIR": DBT_PROJECT_DIR\}$/m);
    expect(dag!.content).toContain('cwd=DBT_ENV["DBT_PROJECT_DIR"],');
  });
});
