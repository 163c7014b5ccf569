import { describe, expect, it } from "vitest";
import { chartValuesValidator, describeHelmValuesContract } from "floe-test-utils/helm-values-contract";
import { AirflowPlugin } from "../src/airflow-plugin.js";
import { buildAirflowHelmValues } from "../src/helm-values.js";
import { airflowResourceRequirements } from "../src/resource-presets.js";

const chart = new URL("../../../charts/floe-airflow/", import.meta.url);
const validate = chartValuesValidator(chart);

describeHelmValuesContract("buildAirflowHelmValues", {
  chart,
  packageJson: new URL("../package.json", import.meta.url),
  build: buildAirflowHelmValues,
  presets: airflowResourceRequirements,
  components: ["apiServer", "scheduler", "dagProcessor", "triggerer", "workers"],
});

describe("charts/floe-airflow values", () => {
  it("refuse wrong types and values particular to Airflow", () => {
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
