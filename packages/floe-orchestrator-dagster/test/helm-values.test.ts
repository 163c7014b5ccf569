import { describe, expect, it } from "vitest";
import { CONTRACT_ARTIFACTS, chartValuesValidator, describeHelmValuesContract } from "floe-test-utils/helm-values-contract";
import { DagsterPlugin } from "../src/dagster-plugin.js";
import { dagsterPackageName } from "../src/dagster-names.js";
import { buildDagsterHelmValues } from "../src/helm-values.js";
import { dagsterResourceRequirements } from "../src/resource-presets.js";

const chart = new URL("../../../charts/floe-dagster/", import.meta.url);
const validate = chartValuesValidator(chart);

describeHelmValuesContract("buildDagsterHelmValues", {
  chart,
  packageJson: new URL("../package.json", import.meta.url),
  build: buildDagsterHelmValues,
  presets: dagsterResourceRequirements,
  components: ["webserver", "daemon", "userCode"],
});

describe("charts/floe-dagster values", () => {
  it("name the code location after the product and load the generated package's definitions module", () => {
    expect((buildDagsterHelmValues({ artifacts: CONTRACT_ARTIFACTS }).userCode as any).codeLocation).toEqual({
      name: "shop-analytics",
      module: `${dagsterPackageName(CONTRACT_ARTIFACTS)}.definitions`,
    });
  });

  it("refuse wrong types particular to Dagster", () => {
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
