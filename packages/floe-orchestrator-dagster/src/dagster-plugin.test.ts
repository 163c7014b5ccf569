import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DagsterPlugin } from "./dagster-plugin.js";

const here = dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(readFileSync(join(here, "..", "..", "..", "examples", "jaffle_shop", "compiled_artifacts.json"), "utf8"));

describe("DagsterPlugin.createDefinitions", () => {
  it("models assets, checks, jobs, schedules and the dbt resource", () => {
    const { model, orchestrator } = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(example);
    expect(orchestrator).toBe("dagster");
    expect(model.assetMode).toBe("dbt-manifest");
    expect(model.assets.map((a) => a.key[0])).toContain("customer_revenue");
    expect(model.assets.find((a) => a.model === "orders")).toMatchObject({ deps: [["stg_orders"], ["stg_payments"]], tags: { daily: "" }, group: "jaffle_shop" });
    expect(model.assetChecks.enabled).toBe(true);
    expect(model.jobs).toEqual([
      expect.objectContaining({ name: "jaffle_shop", isDefault: true }),
      expect.objectContaining({ name: "daily_marts", selection: [["customers"], ["orders"]] }),
    ]);
    expect(model.schedules).toEqual([{ name: "daily_marts_morning", job: "daily_marts", cron: "0 6 * * *", timezone: "Europe/London", running: true }]);
    expect(model.resources.dbt.projectDir).toBe("/p");
  });

  it("refuses artifacts without models at transforms.models, as the Airflow plugin does", () => {
    const { transforms: _, orchestration: __, ...withoutTransforms } = example;
    expect(() => new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(withoutTransforms)).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "transforms.models", hint: expect.stringContaining("at least one dbt model") }),
    );
  });

  it("refuses invalid options naming the field under `options`", () => {
    expect(() => new DagsterPlugin({ url: "not a url" })).toThrow(expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "options.url" }));
    expect(() => new DagsterPlugin({ lineage: { transport: "kafka" } })).toThrow(expect.objectContaining({ path: "options.lineage.transport" }));
    expect(() => new DagsterPlugin({ colour: "blue" })).toThrow(expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "options" }));
  });

  it("refuses a model name dbt's --select would not match alone, at the field (no file rendered)", () => {
    for (const name of ["tag:daily", "orders+", "a b", "stg_*", "jaffle_shop"]) {
      const bad = structuredClone(example);
      bad.transforms.models[8].name = name;
      expect(() => new DagsterPlugin().createDefinitions(bad), name).toThrow(
        expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "transforms.models[8].name", message: expect.stringContaining(JSON.stringify(name)) }),
      );
    }
    expect(() => new DagsterPlugin().createAssetsFromTransforms([{ name: "ok" }, { name: "x,y" }])).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "transforms[1].name" }),
    );
  });

  it("refuses invalid artifacts naming the field", () => {
    const bad = structuredClone(example);
    bad.transforms.models[3].depends_on = ["nope"];
    expect(() => new DagsterPlugin().createDefinitions(bad)).toThrow(expect.objectContaining({ code: "FLOE_GRAPH_INVALID" }));
  });
});

describe("DagsterPlugin.scheduleJob", () => {
  it("validates at once, naming the bad field", () => {
    const plugin = new DagsterPlugin();
    expect(() => plugin.scheduleJob("jaffle_shop", "61 * * * *", "UTC")).toThrow(expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }));
    expect(() => plugin.scheduleJob("jaffle_shop", "0 6 * * *", "Mars/Olympus")).toThrow(expect.objectContaining({ code: "FLOE_TIMEZONE_INVALID", path: "timezone" }));
    expect(() => plugin.scheduleJob(" ", "0 6 * * *", "UTC")).toThrow(expect.objectContaining({ path: "jobName" }));
  });

  it("adds the schedule to the next createDefinitions and its Python", () => {
    const plugin = new DagsterPlugin();
    plugin.scheduleJob("jaffle_shop", "@hourly", "America/New_York");
    const definitions = plugin.createDefinitions(example);
    expect(definitions.model.schedules).toContainEqual({ name: "jaffle_shop_schedule", job: "jaffle_shop", cron: "@hourly", timezone: "America/New_York", running: true });
    const py = definitions.render().find((f) => f.path === "definitions.py")!.content;
    expect(py).toContain('cron_schedule="0 * * * *",\n    execution_timezone="America/New_York"');
  });

  it("refuses a schedule for a job the artifacts do not define", () => {
    const plugin = new DagsterPlugin();
    plugin.scheduleJob("nightly", "0 1 * * *", "UTC");
    expect(() => plugin.createDefinitions(example)).toThrow(expect.objectContaining({ path: "scheduleJob[0].jobName" }));
  });
});

describe("DagsterPlugin.createAssetsFromTransforms", () => {
  it("gives one spec per transform with keys, deps, tags and metadata", () => {
    const specs = new DagsterPlugin().createAssetsFromTransforms([
      { name: "a", tags: ["daily", "not a valid tag!"] },
      { name: "b☃c", depends_on: ["a"], materialization: "table" },
    ]);
    expect(specs[0]).toMatchObject({ key: ["a"], deps: [], tags: { daily: "" }, group: "default", metadata: { "floe/model": "a" } });
    expect(specs[1]!.key[0]).toMatch(/^b_c_h[0-9a-z]{10}$/);
    expect(specs[1]).toMatchObject({ deps: [["a"]], model: "b☃c", metadata: { "floe/materialization": "table" } });
  });

  it("names the bad transform field", () => {
    expect(() => new DagsterPlugin().createAssetsFromTransforms([{ name: "a" }, { name: "" }])).toThrow(
      expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "transforms[1].name" }),
    );
  });
});

