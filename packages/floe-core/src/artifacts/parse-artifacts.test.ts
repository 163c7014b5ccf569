import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isFloeError, type FloeError } from "../errors.js";
import { formatPath, isValidatedArtifacts, parseArtifacts, parseArtifactsJson, validatedSchedules } from "./parse-artifacts.js";
import { checkArtifactsVersion } from "./version.js";
import { noModelsWarnings, resolveJobs, transformsFromArtifacts } from "./transforms.js";

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../test/fixtures/artifacts/${name}`, import.meta.url)), "utf8");
const v06 = () => JSON.parse(fixture("v0.6.0.json")) as Record<string, any>;

function failure(fn: () => unknown): FloeError {
  try {
    fn();
  } catch (error) {
    if (isFloeError(error)) return error;
    throw error;
  }
  throw new Error("expected a floe error");
}

describe("parseArtifactsJson", () => {
  it("reads floe 0.1.0, 0.6.0 and 0.10.0 documents and applies defaults", () => {
    const v01 = parseArtifactsJson(fixture("v0.1.0.json")).artifacts;
    expect(v01.transforms).toBeUndefined();
    expect(v01.inheritance_chain).toEqual([]);
    expect(v01.data_contracts).toEqual([]);
    expect(parseArtifactsJson(fixture("v0.6.0.json")).artifacts.transforms!.models).toHaveLength(3);
    const v10 = parseArtifactsJson(fixture("v0.10.0.json"));
    expect(v10.warnings).toEqual([]);
    expect(v10.artifacts.orchestration!.schedules[0]).toMatchObject({ timezone: "Europe/London", enabled: true });
  });

  it("keeps unknown fields (floe's later minors add optional ones)", () => {
    const doc = { ...v06(), future_field: { x: 1 } };
    expect((parseArtifacts(doc).artifacts as Record<string, unknown>).future_field).toEqual({ x: 1 });
  });

  it("reads a newer 0.x minor with a warning, refuses other majors naming the range", () => {
    expect(parseArtifacts({ ...v06(), version: "0.11.0" }).warnings[0]).toContain("newer than 0.10.0");
    const error = failure(() => parseArtifacts({ ...v06(), version: "1.0.0" }));
    expect([error.code, error.path]).toEqual(["FLOE_ARTIFACTS_VERSION", "version"]);
    expect(error.hint).toContain("0.1.0 to 0.10.0");
    expect(checkArtifactsVersion("0.10.0")).toEqual({});
    expect(() => checkArtifactsVersion("0.0.9")).toThrow();
  });

  it("names the first bad field and counts the others", () => {
    const doc = v06();
    doc.metadata.product_name = 5;
    doc.mode = "x";
    const error = failure(() => parseArtifacts(doc));
    expect(error.code).toBe("FLOE_ARTIFACTS_INVALID");
    expect(error.path).toBe("metadata.product_name");
    expect(error.message).toContain("and 1 more problem");
  });

  it("checks the transform graph", () => {
    const doc = v06();
    doc.transforms.models[0].depends_on = ["fct_orders"];
    const error = failure(() => parseArtifacts(doc));
    expect(error.code).toBe("FLOE_GRAPH_INVALID");
    expect(error.path).toBe("transforms.models[0].depends_on");
  });

  it("brands what it produced as ValidatedArtifacts, and validates every document it is given", () => {
    const parsed = parseArtifacts(v06());
    expect(isValidatedArtifacts(parsed.artifacts)).toBe(true);
    expect(isValidatedArtifacts(structuredClone(parsed.artifacts))).toBe(false);
    expect(isValidatedArtifacts(v06())).toBe(false);
    // A parsed document changed afterwards is validated again when handed back to the parser.
    (parsed.artifacts.transforms!.models[0] as { depends_on: string[] }).depends_on = ["nope"];
    expect(failure(() => parseArtifacts(parsed.artifacts)).code).toBe("FLOE_GRAPH_INVALID");
  });

  it("parses each schedule once and hands plugins the parsed form", () => {
    const doc = v06() as Record<string, unknown>;
    doc.orchestration = {
      jobs: [],
      schedules: [{ job: (doc.metadata as { product_name: string }).product_name, cron: " @daily ", timezone: "Europe/Berlin" }],
    };
    const { artifacts } = parseArtifacts(doc);
    const [schedule] = validatedSchedules(artifacts);
    expect(schedule).toMatchObject({ cron: "@daily", expanded: "0 0 * * *", timezone: "Europe/Berlin" });
    expect(schedule!.expression.hour.values).toEqual([0]);
  });

  it("formats paths the way a reader points at a field", () => {
    expect(formatPath(["transforms", "models", 3, "depends_on", 0])).toBe("transforms.models[3].depends_on[0]");
    expect(formatPath([])).toBe("(document)");
  });
});

describe("transformsFromArtifacts and resolveJobs", () => {
  it("maps models to TransformConfig with extension fields defaulted", () => {
    const [first] = transformsFromArtifacts(parseArtifactsJson(fixture("v0.6.0.json")).artifacts);
    expect(first).toEqual({
      name: "stg_orders",
      path: "",
      schema_name: null,
      materialization: null,
      tags: ["staging"],
      depends_on: [],
      meta: {},
      compute: "duckdb",
      description: null,
      unique_id: null,
      run_settings: null,
    });
    // 0.1.0 documents have no transforms: no models, and one warning for the plugins to report.
    const empty = parseArtifactsJson(fixture("v0.1.0.json")).artifacts;
    expect(transformsFromArtifacts(empty)).toEqual([]);
    expect(noModelsWarnings(empty, "Airflow DAG")).toEqual([
      'the artifacts of product "customer-360" have no models: the generated Airflow DAG runs nothing',
    ]);
    expect(noModelsWarnings(parseArtifactsJson(fixture("v0.6.0.json")).artifacts, "Airflow DAG")).toEqual([]);
    // A schedule of such a product would run nothing: refused.
    const scheduled = {
      ...empty,
      orchestration: { jobs: [], schedules: [{ job: "customer-360", cron: "0 6 * * *", timezone: "UTC", enabled: true }] },
    };
    expect(() => transformsFromArtifacts(scheduled)).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "orchestration.schedules[0]" }),
    );
  });

  it("resolves the default job plus named jobs by tag and by name", () => {
    const doc = v06();
    doc.orchestration = {
      jobs: [{ name: "marts", select: { tags: ["mart"] } }, { name: "one", select: { models: ["stg_customers"] } }, { name: "all" }],
    };
    const jobs = resolveJobs(parseArtifacts(doc).artifacts);
    expect(jobs.map((j) => [j.name, j.models, j.isDefault])).toEqual([
      ["orders", ["stg_orders", "stg_customers", "fct_orders"], true],
      ["marts", ["fct_orders"], false],
      ["one", ["stg_customers"], false],
      ["all", ["stg_orders", "stg_customers", "fct_orders"], false],
    ]);
  });

  it("refuses a job named like the product", () => {
    const doc = v06();
    doc.orchestration = { jobs: [{ name: "orders" }] };
    expect(failure(() => resolveJobs(parseArtifacts(doc).artifacts)).path).toBe("orchestration.jobs[0].name");
  });
});
