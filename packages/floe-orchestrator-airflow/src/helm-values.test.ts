import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { isFloeError, parseArtifactsJson, type WorkloadSize } from "floe-core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AirflowPlugin } from "./airflow-plugin.js";
import { buildAirflowHelmValues } from "./helm-values.js";
import { airflowResourceRequirements } from "./resource-presets.js";

const chart = new URL("../../../charts/floe-airflow/", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("values.schema.json", chart), "utf8")) as object;
const defaults = parse(readFileSync(new URL("values.yaml", chart), "utf8")) as Record<string, any>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const artifacts = parseArtifactsJson(
  readFileSync(new URL("../../floe-core/test/fixtures/artifacts/v0.10.0.json", import.meta.url), "utf8"),
).artifacts;
const COMPONENTS = ["apiServer", "scheduler", "dagProcessor", "triggerer", "workers"] as const;
const sizes: WorkloadSize[] = ["small", "medium", "large"];

describe("buildAirflowHelmValues", () => {
  for (const size of sizes) {
    for (const withArtifacts of [false, true]) {
      it(`validates against the chart's schema (${size}, ${withArtifacts ? "with" : "without"} artifacts)`, () => {
        const values = buildAirflowHelmValues({ size, ...(withArtifacts ? { artifacts } : {}) });
        expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
        const presets = airflowResourceRequirements(size);
        for (const component of COMPONENTS) expect((values[component] as any).resources).toEqual(presets[component]);
      });
    }
  }

  it("derives labels and lineage settings from the artifacts", () => {
    const values = buildAirflowHelmValues({ artifacts });
    expect(values.commonLabels).toMatchObject({ "floe.dev/product": "shop-analytics" });
    expect(values.env).toContainEqual({ name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" });
  });

  it("refuses a size outside small, medium, large with FLOE_SIZE_INVALID", () => {
    try {
      buildAirflowHelmValues({ size: "huge" as WorkloadSize });
      expect.unreachable();
    } catch (error) {
      expect(isFloeError(error, "FLOE_SIZE_INVALID")).toBe(true);
      expect((error as { path?: string }).path).toBe("size");
    }
  });
});

describe("the chart's defaults", () => {
  it("use the small preset's resources", () => {
    const small = airflowResourceRequirements("small");
    for (const component of COMPONENTS) expect(defaults[component].resources).toEqual(small[component]);
  });

  it("validate against the schema, and the chart version is the plugin's", () => {
    expect(validate(defaults), JSON.stringify(validate.errors)).toBe(true);
    const chartYaml = parse(readFileSync(new URL("Chart.yaml", chart), "utf8")) as { version: string };
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(chartYaml.version).toBe(pkg.version);
  });

  it("refuse unknown keys and wrong types at every level", () => {
    expect(validate({ bogus: 1 })).toBe(false);
    expect(validate({ scheduler: { bogus: 1 } })).toBe(false);
    expect(validate({ scheduler: { resources: { limits: { cpu: "1", memory: "1Gi", gpu: "1" }, requests: { cpu: "1", memory: "1Gi" } } } })).toBe(false);
    expect(validate({ dags: { configMap: { files: { "a.py": 3 } } } })).toBe(false);
    expect(validate({ executor: "LocalExecutor" })).toBe(false);
    expect(validate({ celery: { brokerUrl: { url: "redis://x" } } })).toBe(false);
  });
});

describe("AirflowPlugin", () => {
  it("getHelmValues and getResourceRequirements use the presets", () => {
    const plugin = new AirflowPlugin();
    const values = plugin.getHelmValues({ size: "medium" });
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    expect((values.workers as any).resources).toEqual(plugin.getResourceRequirements("medium").workers);
    expect(plugin.getResourceRequirements("large").scheduler).toEqual({
      requests: { cpu: "2", memory: "4Gi" },
      limits: { cpu: "4", memory: "8Gi" },
    });
  });
});
