import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { isFloeError, parseArtifactsJson, type WorkloadSize } from "floe-core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DagsterPlugin } from "./dagster-plugin.js";
import { buildDagsterHelmValues } from "./helm-values.js";
import { dagsterResourceRequirements } from "./resource-presets.js";

const chart = new URL("../../../charts/floe-dagster/", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("values.schema.json", chart), "utf8")) as object;
const defaults = parse(readFileSync(new URL("values.yaml", chart), "utf8")) as Record<string, any>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const artifacts = parseArtifactsJson(
  readFileSync(new URL("../../floe-core/test/fixtures/artifacts/v0.10.0.json", import.meta.url), "utf8"),
).artifacts;
const sizes: WorkloadSize[] = ["small", "medium", "large"];

describe("buildDagsterHelmValues", () => {
  for (const size of sizes) {
    for (const withArtifacts of [false, true]) {
      it(`validates against the chart's schema (${size}, ${withArtifacts ? "with" : "without"} artifacts)`, () => {
        const values = buildDagsterHelmValues({ size, ...(withArtifacts ? { artifacts } : {}) });
        expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
        const presets = dagsterResourceRequirements(size);
        expect((values.webserver as any).resources).toEqual(presets.webserver);
        expect((values.daemon as any).resources).toEqual(presets.daemon);
        expect((values.userCode as any).resources).toEqual(presets.userCode);
      });
    }
  }

  it("derives labels, the code location and lineage settings from the artifacts", () => {
    const values = buildDagsterHelmValues({ artifacts });
    expect(values.commonLabels).toMatchObject({ "floe.dev/product": "shop-analytics" });
    expect((values.userCode as any).codeLocation).toEqual({ name: "shop-analytics" });
    expect(values.env).toContainEqual({ name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" });
  });

  it("refuses a size outside small, medium, large with FLOE_SIZE_INVALID", () => {
    try {
      buildDagsterHelmValues({ size: "huge" as WorkloadSize });
      expect.unreachable();
    } catch (error) {
      expect(isFloeError(error, "FLOE_SIZE_INVALID")).toBe(true);
      expect((error as { path?: string }).path).toBe("size");
    }
  });
});

describe("the chart's defaults", () => {
  it("use the small preset's resources", () => {
    const small = dagsterResourceRequirements("small");
    expect(defaults.webserver.resources).toEqual(small.webserver);
    expect(defaults.daemon.resources).toEqual(small.daemon);
    expect(defaults.userCode.resources).toEqual(small.userCode);
  });

  it("validate against the schema, and the chart version is the plugin's", () => {
    expect(validate(defaults), JSON.stringify(validate.errors)).toBe(true);
    const chartYaml = parse(readFileSync(new URL("Chart.yaml", chart), "utf8")) as { version: string };
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(chartYaml.version).toBe(pkg.version);
  });

  it("refuse unknown keys and wrong types at every level", () => {
    expect(validate({ bogus: 1 })).toBe(false);
    expect(validate({ webserver: { bogus: 1 } })).toBe(false);
    expect(validate({ webserver: { resources: { limits: { cpu: "1", memory: "1Gi", gpu: "1" }, requests: { cpu: "1", memory: "1Gi" } } } })).toBe(false);
    expect(validate({ userCode: { codeLocation: { name: 3 } } })).toBe(false);
    expect(validate({ database: { port: "5432" } })).toBe(false);
  });
});

describe("DagsterPlugin", () => {
  it("getHelmValues and getResourceRequirements use the presets", () => {
    const plugin = new DagsterPlugin();
    const values = plugin.getHelmValues({ size: "medium" });
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    expect((values.userCode as any).resources).toEqual(plugin.getResourceRequirements("medium").userCode);
    expect(plugin.getResourceRequirements("large").webserver).toEqual({
      requests: { cpu: "1", memory: "2Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    });
  });
});
