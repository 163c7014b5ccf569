/** Several products in one dags folder: ids that would collide are refused, never renamed. */
import { describeProductsContract, readProduct as read, validated } from "floe-test-utils/products-contract";
import { describe, expect, it } from "vitest";
import { AirflowPlugin } from "./airflow-plugin.js";

describe("AirflowPlugin.products.generate", () => {
  it("writes a DAG file per product; only the consumed models' tasks get outlets", () => {
    const result = new AirflowPlugin().products.generate([
      { artifacts: validated(read("jaffle_raw")) },
      { artifacts: validated(read("jaffle_marts")) },
    ]);
    const paths = result.files.map((f) => f.path).sort();
    expect(paths).toEqual([
      ".airflowignore",
      "Dockerfile",
      "jaffle_marts.py",
      "jaffle_raw.py",
      "openlineage.env",
      "requirements.txt",
      "values.yaml",
    ]);
    const raw = result.files.find((f) => f.path === "jaffle_raw.py")!.content;
    expect(raw).not.toContain('"raw_orders": ["floe://');
    expect(raw).toContain('"stg_payments": ["floe://jaffle_raw/stg_payments"],');
    // values.yaml keeps only what both products agree on: no product label.
    expect(result.files.find((f) => f.path === "values.yaml")!.content).not.toContain("floe.dev/product:");
    expect(result.plan?.jobs.map((j) => j.name)).toEqual(["jaffle_raw", "jaffle_marts"]);
  });

  it("refuses a dag_id two products share (a job named like the other product)", () => {
    const marts = read("jaffle_marts");
    marts.orchestration.jobs = [{ name: "jaffle_raw" }];
    expect(() =>
      new AirflowPlugin().products.generate([{ artifacts: validated(read("jaffle_raw")) }, { artifacts: validated(marts) }]),
    ).toThrow(
      expect.objectContaining({
        code: "FLOE_ARTIFACTS_INVALID",
        message: 'Airflow dag_id "jaffle_raw" of product "jaffle_marts" is also one of product "jaffle_raw"',
      }),
    );
  });
});

describeProductsContract({ name: "AirflowPlugin", plugin: () => new AirflowPlugin() });
