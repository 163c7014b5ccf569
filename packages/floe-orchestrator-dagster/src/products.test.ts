/** Several products in one Dagster deployment: ids that would collide are refused, never renamed. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeProductsContract, readProduct as read, validated } from "floe-test-utils/products-contract";
import { chartValuesValidator } from "floe-test-utils/helm-values-contract";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DagsterPlugin } from "./dagster-plugin.js";

const validateValues = chartValuesValidator(new URL("../../../charts/floe-dagster/", import.meta.url));

describe("DagsterPlugin.products.generate", () => {
  it("one package per product, the consumer's sensor watching the producer's asset keys", () => {
    const result = new DagsterPlugin().products.generate([
      { artifacts: validated(read("jaffle_raw")) },
      { artifacts: validated(read("jaffle_marts")) },
    ]);
    const paths = result.files.map((f) => f.path);
    expect(paths).toContain("floe_jaffle_raw/definitions.py");
    expect(paths).toContain("floe_jaffle_marts/compiled_artifacts.json");
    expect(paths).not.toContain("compiled_artifacts.json");
    const marts = result.files.find((f) => f.path === "floe_jaffle_marts/definitions.py")!.content;
    expect(marts).toContain('    name="jaffle_marts_on_consumed_assets",');
    expect(marts).toContain("    sensors=[jaffle_marts_on_consumed_assets_sensor],");
    expect(result.files.find((f) => f.path === "floe_jaffle_raw/definitions.py")!.content).not.toContain("@sensor");
  });

  it("refuses an asset key two products share", () => {
    const other = read("jaffle_raw");
    other.metadata.product_name = "jaffle_raw_copy";
    expect(() =>
      new DagsterPlugin().products.generate([{ artifacts: validated(read("jaffle_raw")) }, { artifacts: validated(other) }]),
    ).toThrow(
      expect.objectContaining({
        code: "FLOE_ARTIFACTS_INVALID",
        message: 'Dagster asset key "raw_customers" of product "jaffle_raw_copy" is also one of product "jaffle_raw"',
      }),
    );
  });

  it("one chart release serves both: values.yaml lists a code location per product, the schema accepts them", () => {
    const result = new DagsterPlugin().products.generate([
      { artifacts: validated(read("jaffle_raw")) },
      { artifacts: validated(read("jaffle_marts")) },
    ]);
    expect(result.warnings.join("\n")).not.toMatch(/code location per release/);
    const values = parse(result.files.find((f) => f.path === "values.yaml")!.content) as Record<string, any>;
    expect(values.userCode.codeLocations).toEqual([
      { name: "jaffle_raw", module: "floe_jaffle_raw.definitions" },
      { name: "jaffle_marts", module: "floe_jaffle_marts.definitions" },
    ]);
    expect(values.userCode.codeLocation).toBeUndefined();
    expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
  });

  it("the image's command serves the module FLOE_CODE_LOCATION_MODULE names, and says so without it", () => {
    const result = new DagsterPlugin().products.generate([
      { artifacts: validated(read("jaffle_raw")) },
      { artifacts: validated(read("jaffle_marts")) },
    ]);
    const dockerfile = result.files.find((f) => f.path === "Dockerfile")!.content;
    expect(dockerfile).toContain("#   floe_jaffle_raw.definitions\n#   floe_jaffle_marts.definitions\n");
    const cmd = /^CMD (.*)$/m.exec(dockerfile)![1]!;
    const argv = JSON.parse(cmd) as string[];
    expect(argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    // The CMD as the container would run it, with a `dagster` on PATH that prints its arguments.
    const bin = mkdtempSync(join(tmpdir(), "floe-cmd-"));
    try {
      writeFileSync(join(bin, "dagster"), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
      chmodSync(join(bin, "dagster"), 0o755);
      const run = (env: Record<string, string>) =>
        spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin`, ...env } });
      const served = run({ FLOE_CODE_LOCATION_MODULE: "floe_jaffle_marts.definitions" });
      expect(served.status, served.stderr).toBe(0);
      expect(served.stdout.trim().split("\n")).toEqual([
        "api",
        "grpc",
        "-h",
        "0.0.0.0",
        "-p",
        "3030",
        "-m",
        "floe_jaffle_marts.definitions",
        "-d",
        "/opt/dagster/app",
      ]);
      const unset = run({});
      expect(unset.status).not.toBe(0);
      expect(unset.stdout).toBe("");
      expect(unset.stderr).toMatch(/FLOE_CODE_LOCATION_MODULE: set FLOE_CODE_LOCATION_MODULE to the module of the code location to serve/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("one dbt project for both: the image bakes it where FLOE_DBT_PROJECT_DIR points", () => {
    const same = new DagsterPlugin().products.generate([
      { artifacts: validated(read("jaffle_raw")), dbtProjectDir: "../shop" },
      { artifacts: validated(read("jaffle_marts")), dbtProjectDir: "../shop" },
    ]);
    expect(same.files.find((f) => f.path === "Dockerfile")!.content).toContain("ENV FLOE_DBT_PROJECT_DIR=/opt/dagster/dbt");
  });
});

describeProductsContract({ name: "DagsterPlugin", plugin: () => new DagsterPlugin() });
