// orchestration.partitioning in the generated DAGs (the real runs: test/e2e/partitions.test.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CompiledArtifactsInput } from "floe-core";
import { AirflowPlugin } from "./airflow-plugin.js";

const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/dbt/partitioned_events/compiled_artifacts.json", import.meta.url));
const artifacts = () => JSON.parse(readFileSync(FIXTURE, "utf8")) as CompiledArtifactsInput & { orchestration: Record<string, unknown> };
const render = (input: CompiledArtifactsInput, plugin = new AirflowPlugin({ dbtProjectDir: "/srv/dbt" })) =>
  Object.fromEntries(
    plugin
      .createDefinitions(input)
      .render()
      .map((f) => [f.path, f.content]),
  );

describe("partitioned products (Airflow)", () => {
  it("gives every DAG a data-interval timetable from the start and hands each task its interval as dbt vars", () => {
    const input = artifacts();
    input.orchestration.jobs = [{ name: "events_only", select: { models: ["events_by_window"] } }];
    input.orchestration.partitioning = {
      granularity: "hourly",
      start: "2026-01-01T05:00",
      timezone: "Europe/London",
      vars: { start: "from_ts", end: "to_ts" },
    };
    const files = render(input);
    const main = files["partitioned_events.py"]!;
    expect(main).toContain('schedule=CronDataIntervalTimetable("0 * * * *", timezone=PARTITION_TIMEZONE),');
    expect(main).toContain("start_date=pendulum.datetime(2026, 1, 1, 5, tz=PARTITION_TIMEZONE),");
    expect(main).toContain('PARTITION_TIMEZONE = "Europe/London"');
    expect(main).toContain('PARTITION_VAR_START = "from_ts"');
    expect(main).toContain('--vars \\"$FLOE_DBT_VARS\\"');
    expect(main).toContain("pre_execute=partition_vars_env,");
    expect(main).toContain("catchup=False,");
    expect(main).toContain("is_paused_upon_creation=False,");
    // Other jobs run by trigger or backfill only.
    expect(files["events_only.py"]).toContain("is_paused_upon_creation=True,");
  });

  it("leaves unpartitioned DAGs without any of it", () => {
    const input = artifacts();
    delete input.orchestration.partitioning;
    expect(render(input)["partitioned_events.py"]).not.toMatch(/PARTITION|FLOE_DBT_VARS|pendulum/);
  });

  it("refuses a scheduleJob cron on a partitioned product, naming it", () => {
    const plugin = new AirflowPlugin({ dbtProjectDir: "/srv/dbt" });
    plugin.scheduleJob("partitioned_events", "0 6 * * *", "UTC");
    expect(() => render(artifacts(), plugin)).toThrow(
      expect.objectContaining({ code: "FLOE_CONFIG_INVALID", path: "scheduleJob.jobName" }),
    );
  });
});
