/**
 * Test support (not part of the build): what every orchestrator plugin's Helm values promise about its
 * chart, as one shared vitest suite. Each plugin runs it from its own helm-values test and adds what is
 * particular to its chart.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type CompiledArtifacts, isFloeError, parseArtifactsJson, type WorkloadSize } from "floe-core";

export interface HelmValuesContract {
  /** The chart's directory, ending in `/`. */
  chart: URL;
  /** The plugin's package.json: the chart's version must be the plugin's. */
  packageJson: URL;
  build(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts }): Record<string, unknown>;
  presets(size: WorkloadSize): Record<string, unknown>;
  /** Top-level values keys whose `resources` come from the preset entry of the same name. */
  components: readonly string[];
}

const SIZES: WorkloadSize[] = ["small", "medium", "large"];

/** The artifacts fixture every plugin's values are derived from (product "shop-analytics", lineage on). */
export const CONTRACT_ARTIFACTS: CompiledArtifacts = parseArtifactsJson(
  readFileSync(new URL("../../floe-core/test/fixtures/artifacts/v0.10.0.json", import.meta.url), "utf8"),
).artifacts;

/** An ajv validator for the chart's values.schema.json. */
export function chartValuesValidator(chart: URL): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL("values.schema.json", chart), "utf8")) as object;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

function resourcesOf(values: Record<string, unknown>, component: string): unknown {
  return (values[component] as { resources?: unknown } | undefined)?.resources;
}

/** Registers the shared suite: schema-valid values at every size, presets, refusals, chart defaults and version. */
export function describeHelmValuesContract(name: string, contract: HelmValuesContract): void {
  const validate = chartValuesValidator(contract.chart);
  const defaults = parse(readFileSync(new URL("values.yaml", contract.chart), "utf8")) as Record<string, unknown>;

  describe(`${name}: the Helm values contract`, () => {
    for (const size of SIZES) {
      for (const withArtifacts of [false, true]) {
        it(`validates against the chart's schema with the ${size} preset's resources (${withArtifacts ? "with" : "without"} artifacts)`, () => {
          const values = contract.build({ size, ...(withArtifacts ? { artifacts: CONTRACT_ARTIFACTS } : {}) });
          expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
          const presets = contract.presets(size);
          for (const component of contract.components) expect(resourcesOf(values, component), component).toEqual(presets[component]);
        });
      }
    }

    it("labels everything with the product and passes the lineage endpoint from the artifacts", () => {
      const values = contract.build({ artifacts: CONTRACT_ARTIFACTS });
      expect(values.commonLabels).toMatchObject({ "floe.dev/product": "shop-analytics" });
      expect(values.env).toContainEqual({ name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" });
    });

    it("refuses a size outside small, medium, large with FLOE_SIZE_INVALID at `size`", () => {
      let caught: unknown;
      try {
        contract.build({ size: "huge" as WorkloadSize });
      } catch (error) {
        caught = error;
      }
      expect(isFloeError(caught, "FLOE_SIZE_INVALID")).toBe(true);
      expect((caught as { path?: string }).path).toBe("size");
    });

    it("the chart's defaults use the small preset's resources and validate against its schema", () => {
      const small = contract.presets("small");
      for (const component of contract.components) expect(resourcesOf(defaults, component), component).toEqual(small[component]);
      expect(validate(defaults), JSON.stringify(validate.errors)).toBe(true);
    });

    it("the chart's version is the plugin's, and its schema refuses unknown top-level keys", () => {
      const chartYaml = parse(readFileSync(new URL("Chart.yaml", contract.chart), "utf8")) as { version: string };
      const pkg = JSON.parse(readFileSync(contract.packageJson, "utf8")) as { version: string };
      expect(chartYaml.version).toBe(pkg.version);
      expect(validate({ bogus: 1 })).toBe(false);
      for (const component of contract.components) {
        expect(validate({ [component]: { bogus: 1 } }), component).toBe(false);
        const gpu = { limits: { cpu: "1", memory: "1Gi", gpu: "1" }, requests: { cpu: "1", memory: "1Gi" } };
        expect(validate({ [component]: { resources: gpu } }), component).toBe(false);
      }
    });
  });
}
