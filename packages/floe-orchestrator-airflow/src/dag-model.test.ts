import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isFloeError, type CompiledArtifactsInput } from "floe-core";
import { AirflowPlugin } from "./airflow-plugin.js";

const artifacts = () =>
  JSON.parse(readFileSync(fileURLToPath(new URL("../test/fixtures/artifacts.json", import.meta.url)), "utf8")) as {
    orchestration: { jobs: unknown[]; schedules: Array<Record<string, unknown>> };
  } & CompiledArtifactsInput;

function expectFloeError(fn: () => unknown, code: string, path: string): void {
  try {
    fn();
    expect.unreachable();
  } catch (error) {
    expect(isFloeError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as { path: string }).path).toBe(path);
  }
}

describe("AirflowPlugin.createDefinitions", () => {
  it("models artifacts without models as the product DAG with no tasks, with one warning", () => {
    const { transforms: _, orchestration: __, ...withoutTransforms } = artifacts();
    const definitions = new AirflowPlugin().createDefinitions(withoutTransforms);
    expect(definitions.model.dags.map((d) => d.tasks.length)).toEqual([0]);
    expect(definitions.warnings).toEqual([expect.stringMatching(/have no models: the generated Airflow DAG runs nothing$/)]);
    expect(new AirflowPlugin().createDefinitions(artifacts()).warnings).toEqual([]);
  });

  it("refuses a schedule of artifacts without models at orchestration.schedules[0]", () => {
    const { transforms: _, ...withoutTransforms } = artifacts();
    const product = withoutTransforms.metadata.product_name;
    const input = { ...withoutTransforms, orchestration: { schedules: [{ job: product, cron: "0 6 * * *", timezone: "UTC" }] } };
    expectFloeError(() => new AirflowPlugin().createDefinitions(input), "FLOE_ARTIFACTS_INVALID", "orchestration.schedules[0]");
    const plugin = new AirflowPlugin();
    plugin.scheduleJob(product, "0 6 * * *", "UTC");
    const { orchestration: _o, ...unscheduled } = withoutTransforms;
    expectFloeError(() => plugin.createDefinitions(unscheduled), "FLOE_CONFIG_INVALID", "scheduleJob.jobName");
  });

  it("models one DAG for the product and one per named job, with schedules and defaults", () => {
    const plugin = new AirflowPlugin({ retries: 5, owner: "data-team", executionTimeoutSeconds: 900, tags: ["shop"] });
    const { orchestrator, model } = plugin.createDefinitions(artifacts());
    expect(orchestrator).toBe("airflow");
    expect(model.dags.map((d) => [d.dagId, d.job, d.isDefault, d.tasks.length])).toEqual([
      ["shop-analytics", "shop-analytics", true, 4],
      ["daily_marts", "daily_marts", false, 1],
    ]);
    expect(model.dags[0]!.schedule).toBeNull();
    expect(model.dags[1]!.schedule).toEqual({ crons: ["0 6 * * *"], timezone: "Europe/London", enabled: true });
    expect(model.dags[1]!.tags).toEqual(["floe", "shop"]);
    expect(model.defaults).toMatchObject({ owner: "data-team", retries: 5, executionTimeoutSeconds: 900 });
    expect(model.source).toMatchObject({ product: "shop-analytics", productVersion: "3.0.0", compiledAt: "2026-10-01T12:00:00+00:00" });
    expect(model.dags[0]!.docMd).toContain("| compiled at | `2026-10-01T12:00:00+00:00` |");
  });

  it("scheduleJob validates at once and shapes the next generated DAG", () => {
    const plugin = new AirflowPlugin();
    expectFloeError(() => plugin.scheduleJob("shop-analytics", "61 * * * *", "UTC"), "FLOE_SCHEDULE_INVALID", "cron");
    expectFloeError(() => plugin.scheduleJob("shop-analytics", "0 * * * *", "Mars/Olympus"), "FLOE_TIMEZONE_INVALID", "timezone");
    plugin.scheduleJob("shop-analytics", "30 2 * * *", "America/New_York");
    plugin.scheduleJob("daily_marts", "@hourly", "Asia/Tokyo");
    const defs = plugin.createDefinitions(artifacts());
    expect(defs.model.dags.map((d) => d.schedule)).toEqual([
      { crons: ["30 2 * * *"], timezone: "America/New_York", enabled: true },
      { crons: ["@hourly"], timezone: "Asia/Tokyo", enabled: true },
    ]);
    const text = defs.render()[0]!.content;
    expect(text).toContain('schedule=CronTriggerTimetable("30 2 * * *", timezone="America/New_York"),');
  });

  it("refuses scheduleJob for a job the artifacts do not define", () => {
    const plugin = new AirflowPlugin();
    plugin.scheduleJob("nightly", "0 1 * * *", "UTC");
    expectFloeError(() => plugin.createDefinitions(artifacts()), "FLOE_CONFIG_INVALID", "scheduleJob.jobName");
  });

  it("renders several schedules of one job as a MultipleCronTriggerTimetable, and disabled ones paused", () => {
    const a = artifacts();
    a.orchestration.schedules.push({ job: "daily_marts", cron: "0 18 * * *", timezone: "Europe/London" });
    a.orchestration.schedules.push({ job: "shop-analytics", cron: "@daily", timezone: "UTC", enabled: false });
    const [all, marts] = new AirflowPlugin().createDefinitions(a).render();
    expect(marts!.content).toContain('schedule=MultipleCronTriggerTimetable("0 6 * * *", "0 18 * * *", timezone="Europe/London"),');
    expect(marts!.content).toContain("from airflow.sdk import DAG, MultipleCronTriggerTimetable");
    expect(all!.content).toContain("is_paused_upon_creation=True,");
  });

  it("names the field of a bad schedule in the artifacts", () => {
    const a = artifacts();
    a.orchestration.schedules[0]!.timezone = "BST";
    expectFloeError(() => new AirflowPlugin().createDefinitions(a), "FLOE_TIMEZONE_INVALID", "orchestration.schedules[0].timezone");
    const b = artifacts();
    b.orchestration.schedules[0]!.job = "nope";
    expectFloeError(() => new AirflowPlugin().createDefinitions(b), "FLOE_ARTIFACTS_INVALID", "orchestration.schedules[0].job");
  });

  it("refuses invalid options with the field's path", () => {
    expectFloeError(() => new AirflowPlugin({ retries: -1 }), "FLOE_CONFIG_INVALID", "options.retries");
    expectFloeError(() => new AirflowPlugin({ colour: "blue" }), "FLOE_CONFIG_INVALID", "options");
  });

  it("names bad artifacts' fields the way floe-core does, whether called through the CLI or the API", () => {
    const a = artifacts() as unknown as { transforms: { models: Array<Record<string, unknown>> } };
    a.transforms.models[0]!.name = 3;
    expectFloeError(() => new AirflowPlugin().createDefinitions(a as never), "FLOE_ARTIFACTS_INVALID", "transforms.models[0].name");
    const b = artifacts() as unknown as { version: string };
    b.version = "9.0.0";
    expectFloeError(() => new AirflowPlugin().createDefinitions(b as never), "FLOE_ARTIFACTS_VERSION", "version");
  });
});
