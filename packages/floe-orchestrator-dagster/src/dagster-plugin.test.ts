import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseArtifacts } from "floe-core";
import { stringify } from "yaml";
import { DagsterPlugin } from "./dagster-plugin.js";

const here = dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(readFileSync(join(here, "..", "..", "..", "examples", "jaffle_shop", "compiled_artifacts.json"), "utf8"));

describe("DagsterPlugin.createDefinitions", () => {
  it("models assets, checks, jobs, schedules and the dbt resource", () => {
    const { model, orchestrator } = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(example);
    expect(orchestrator).toBe("dagster");
    expect(model.assetMode).toBe("dbt-manifest");
    expect(model.assets.map((a) => a.key[0])).toContain("customer_revenue");
    expect(model.assets.find((a) => a.model === "orders")).toMatchObject({
      deps: [["stg_orders"], ["stg_payments"]],
      tags: { daily: "" },
      group: "jaffle_shop",
    });
    expect(model.assetChecks.enabled).toBe(true);
    expect(model.jobs).toEqual([
      expect.objectContaining({ name: "jaffle_shop", isDefault: true }),
      expect.objectContaining({ name: "daily_marts", selection: [["customers"], ["orders"]] }),
    ]);
    expect(model.schedules).toEqual([
      {
        name: "daily_marts_morning",
        job: "daily_marts",
        cron: "0 6 * * *",
        expanded: "0 6 * * *",
        timezone: "Europe/London",
        running: true,
      },
    ]);
    expect(model.resources.dbt.projectDir).toBe("/p");
  });

  it("models artifacts without models as a code location with no assets, jobs or schedules, with one warning", () => {
    const { transforms: _, orchestration: __, ...withoutTransforms } = example;
    const definitions = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(withoutTransforms);
    expect(definitions.model).toMatchObject({ assets: [], jobs: [], schedules: [], assetMode: "per-transform" });
    expect(definitions.warnings).toEqual([expect.stringMatching(/have no models: the generated Dagster code location runs nothing$/)]);
    expect(new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(example).warnings).toEqual([]);
  });

  it("refuses a schedule of artifacts without models, from the artifacts or from scheduleJob", () => {
    const { transforms: _, orchestration: __, ...withoutTransforms } = example;
    const product = withoutTransforms.metadata.product_name;
    const scheduled = { ...withoutTransforms, orchestration: { schedules: [{ job: product, cron: "0 6 * * *", timezone: "UTC" }] } };
    expect(() => new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(scheduled)).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "orchestration.schedules[0]" }),
    );
    const plugin = new DagsterPlugin({ dbtProjectDir: "/p" });
    plugin.scheduleJob(product, "0 6 * * *", "UTC");
    expect(() => plugin.createDefinitions(withoutTransforms)).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "scheduleJob[0]" }),
    );
  });

  it("refuses invalid options naming the field under `options`", () => {
    expect(() => new DagsterPlugin({ url: "not a url" })).toThrow(
      expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "options.url" }),
    );
    expect(() => new DagsterPlugin({ lineage: { transport: "kafka" } })).toThrow(
      expect.objectContaining({ path: "options.lineage.transport" }),
    );
    expect(() => new DagsterPlugin({ colour: "blue" })).toThrow(expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "options" }));
  });

  it("refuses a model name dbt's --select would not match alone, at the field (no file rendered)", () => {
    for (const name of ["tag:daily", "orders+", "a b", "stg_*", "jaffle_shop"]) {
      const bad = structuredClone(example);
      bad.transforms.models[8].name = name;
      expect(() => new DagsterPlugin().createDefinitions(bad), name).toThrow(
        expect.objectContaining({
          code: "FLOE_ARTIFACTS_INVALID",
          path: "transforms.models[8].name",
          message: expect.stringContaining(JSON.stringify(name)),
        }),
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
    expect(() => plugin.scheduleJob("jaffle_shop", "61 * * * *", "UTC")).toThrow(
      expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }),
    );
    expect(() => plugin.scheduleJob("jaffle_shop", "0 6 * * *", "Mars/Olympus")).toThrow(
      expect.objectContaining({ code: "FLOE_TIMEZONE_INVALID", path: "timezone" }),
    );
    expect(() => plugin.scheduleJob(" ", "0 6 * * *", "UTC")).toThrow(expect.objectContaining({ path: "jobName" }));
  });

  it("adds the schedule to the next createDefinitions and its Python", () => {
    const plugin = new DagsterPlugin();
    plugin.scheduleJob("jaffle_shop", "@hourly", "America/New_York");
    const definitions = plugin.createDefinitions(example);
    expect(definitions.model.schedules).toContainEqual({
      name: "jaffle_shop_schedule",
      job: "jaffle_shop",
      cron: "@hourly",
      expanded: "0 * * * *",
      timezone: "America/New_York",
      running: true,
    });
    const py = definitions.render().find((f) => f.path.endsWith("/definitions.py"))!.content;
    expect(py).toContain('cron_schedule="0 * * * *",\n    execution_timezone="America/New_York"');
  });

  it("refuses a schedule for a job the artifacts do not define", () => {
    const plugin = new DagsterPlugin();
    plugin.scheduleJob("nightly", "0 1 * * *", "UTC");
    expect(() => plugin.createDefinitions(example)).toThrow(expect.objectContaining({ path: "scheduleJob[0].jobName" }));
  });
});

describe("DagsterPlugin.generate (the contract)", () => {
  it("returns every file, values.yaml included, from the artifacts alone (scheduleJob state is ignored)", () => {
    const plugin = new DagsterPlugin();
    plugin.scheduleJob("jaffle_shop", "@hourly", "UTC");
    const { artifacts } = parseArtifacts(example);
    const { files, warnings } = plugin.generate(artifacts, { dbtProjectDir: "../p" });
    expect(warnings).toEqual([]);
    expect(files.at(-1)).toEqual({ path: "values.yaml", content: stringify(plugin.helmValues({ artifacts }), { sortMapEntries: false }) });
    const rendered = new DagsterPlugin({ dbtProjectDir: "../p" }).createDefinitions(example).render();
    expect(files.slice(0, -1)).toEqual(rendered);
    expect(files.find((f) => f.path.endsWith("/definitions.py"))!.content).not.toContain("0 * * * *");
  });

  it("validates its options once, naming the field, and refuses what Dagster refuses in the artifacts' schedules", () => {
    const { artifacts } = parseArtifacts(example);
    expect(() => new DagsterPlugin().generate(artifacts, { dbtProjectDir: "" })).toThrow(
      expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "options.dbtProjectDir" }),
    );
    expect(() => new DagsterPlugin().generate(artifacts, { out: "x" } as never)).toThrow(
      expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "options" }),
    );
    const feb = structuredClone(example);
    feb.orchestration.schedules[0].cron = "0 0 31 2 1";
    const parsed = parseArtifacts(feb).artifacts;
    expect(() => new DagsterPlugin().generate(parsed)).toThrow(
      expect.objectContaining({
        code: "FLOE_SCHEDULE_INVALID",
        path: "orchestration.schedules[0].cron",
        hint: expect.stringMatching(/Dagster refuses/),
      }),
    );
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

describe("compiled_artifacts.json next to the generated code", () => {
  it("copies an allow-list: no profile, plugin config, telemetry header, governance, meta or endpoint secret", () => {
    const planted = structuredClone(example);
    planted.observability.lineage_endpoint = "https://ol:EPW-1@lineage.example/api?token=QTOK-2#frag-3";
    planted.observability.telemetry = { headers: { authorization: "Bearer HDR-4" } };
    planted.plugins = {
      compute: { type: "duckdb", version: "0.1.0", config: { password: "CPW-5", api_key: "CKEY-6" } },
      orchestrator: { type: "dagster", version: "0.1.0" },
    };
    planted.governance = { policy_api_token: "GTOK-7" };
    planted.dbt_profiles = { p: { outputs: { dev: { password: "PPW-8" } } } };
    planted.identity.repository = "https://git:RTOK-9@git.example/shop.git";
    planted.transforms.models[0].meta = { secret: "MSEC-10" };
    planted.unknown_extension = { client_secret: "XSEC-11" };
    const files = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(planted).render();
    const copy = files.find((f) => f.path === "compiled_artifacts.json")!.content;
    for (const secret of ["EPW-1", "QTOK-2", "frag-3", "HDR-4", "CPW-5", "CKEY-6", "GTOK-7", "PPW-8", "RTOK-9", "MSEC-10", "XSEC-11"]) {
      expect(copy, secret).not.toContain(secret);
    }
    const parsed = JSON.parse(copy);
    expect(parsed.observability.lineage_endpoint).toBe("https://lineage.example/api?…#…");
    expect(parsed.identity.repository).toBe("https://git.example/shop.git");
    expect(parsed.transforms.models.map((m: { name: string }) => m.name)).toEqual(
      example.transforms.models.map((m: { name: string }) => m.name),
    );
    expect(parsed.metadata.product_name).toBe(example.metadata.product_name);
  });
});

describe("per-model run settings (dbt meta floe) in Dagster", () => {
  const withSettings = (settings: Record<string, Record<string, unknown>>, dropIds = false) => {
    const doc = JSON.parse(JSON.stringify(example));
    for (const m of doc.transforms.models) {
      if (settings[m.name]) m.run_settings = settings[m.name];
      if (dropIds) delete m.unique_id;
    }
    return doc;
  };

  it("manifest mode: one step, so the largest retries and delay become its RetryPolicy, one shared pool its pool, with warnings", () => {
    const doc = withSettings({
      orders: { retries: 2, retry_delay_seconds: 30, pool: "warehouse" },
      customers: { retries: 4, pool: "warehouse", timeout_seconds: 60 },
    });
    const definitions = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(doc);
    expect(definitions.model.stepSettings.manifest).toEqual({ retryPolicy: { maxRetries: 4, delaySeconds: 30 }, pool: "warehouse" });
    const code = definitions.render().find((f) => f.path.endsWith("/definitions.py"))!.content;
    expect(code).toContain('    retry_policy=RetryPolicy(max_retries=4, delay=30),\n    pool="warehouse",\n)\ndef dbt_models(');
    expect(code).toMatch(/^ {4}RetryPolicy,$/m);
    expect(definitions.warnings).toEqual([
      expect.stringMatching(/^Dagster has no per-step timeout: timeout_seconds of customers/),
      expect.stringMatching(/RetryPolicy\(max_retries=4, delay=30\) for all models; a retry builds only the models not yet built$/),
      expect.stringMatching(/pool warehouse \(dbt meta floe\) is the pool of that whole step/),
    ]);
  });

  it("manifest mode: models naming different pools get none, and say so", () => {
    const definitions = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(
      withSettings({ orders: { pool: "a" }, customers: { pool: "b" } }),
    );
    expect(definitions.model.stepSettings.manifest).toBeNull();
    expect(definitions.warnings).toEqual([
      expect.stringMatching(/the models name 2 pools \(a, b\) and one step takes one, so none is applied$/),
    ]);
    expect(definitions.render().find((f) => f.path.endsWith("/definitions.py"))!.content).not.toContain("pool=");
  });

  it("per-transform mode: each asset gets its own RetryPolicy and pool", () => {
    const doc = withSettings(
      { orders: { retries: 3, retry_delay_seconds: 5, pool: "warehouse" }, customers: { retry_test_failures: true } },
      true,
    );
    const definitions = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(doc);
    expect(definitions.model.assetMode).toBe("per-transform");
    expect(definitions.model.stepSettings.perAsset).toEqual({
      orders: { retryPolicy: { maxRetries: 3, delaySeconds: 5 }, pool: "warehouse" },
    });
    const code = definitions.render().find((f) => f.path.endsWith("/definitions.py"))!.content;
    expect(code).toContain(
      '        model="orders",\n        retry_policy=RetryPolicy(max_retries=3, delay=5),\n        pool="warehouse",\n    ),',
    );
    expect(definitions.warnings).toEqual([
      expect.stringMatching(/^retry_test_failures of customers \(dbt meta floe\) is not applied in Dagster/),
    ]);
  });

  it("generates no RetryPolicy, pool or warning without settings", () => {
    const definitions = new DagsterPlugin({ dbtProjectDir: "/p" }).createDefinitions(example);
    expect(definitions.model.stepSettings).toEqual({ manifest: null, perAsset: {} });
    expect(definitions.render().find((f) => f.path.endsWith("/definitions.py"))!.content).not.toMatch(
      /^ {4}RetryPolicy,$|retry_policy=|pool=/m,
    );
  });
});
