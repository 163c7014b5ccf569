// orchestration.partitioning in the generated code location (the real runs: test/e2e/partitions.test.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CompiledArtifactsInput } from "floe-core";
import { DagsterPlugin } from "./dagster-plugin.js";

const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/dbt/partitioned_events/compiled_artifacts.json", import.meta.url));
const artifacts = () =>
  JSON.parse(readFileSync(FIXTURE, "utf8")) as CompiledArtifactsInput & {
    orchestration: Record<string, unknown>;
    transforms: { models: Array<Record<string, unknown>> };
  };
const definitions = (input: CompiledArtifactsInput, plugin = new DagsterPlugin({ dbtProjectDir: "/srv/dbt" })) =>
  plugin
    .createDefinitions(input)
    .render()
    .find((f) => f.path.endsWith("/definitions.py"))!.content;

describe("partitioned products (Dagster)", () => {
  it("puts daily partitions on @dbt_assets, one run per partition, the window as dbt vars, a schedule per job", () => {
    const input = artifacts();
    input.orchestration.jobs = [{ name: "events_only", select: { models: ["events_by_window"] } }];
    const py = definitions(input);
    expect(py).toContain('PARTITIONS = DailyPartitionsDefinition(start_date="2026-01-01", timezone="UTC")');
    expect(py).toContain('PARTITION_VAR_START = "window_start"');
    expect(py).toContain("    partitions_def=PARTITIONS,\n    # One run per partition");
    expect(py).toContain("backfill_policy=BackfillPolicy.multi_run(1)");
    expect(py).toContain('dbt.cli(["build", *partition_vars(context)], context=context)');
    expect(py.match(/^ {4}partitions_def=PARTITIONS,$/gm)).toHaveLength(3); // @dbt_assets and both jobs
    expect(py).toContain('name="partitioned_events_partition_schedule",\n    default_status=DefaultScheduleStatus.RUNNING');
    expect(py).toContain('name="events_only_partition_schedule",\n    default_status=DefaultScheduleStatus.STOPPED');
  });

  it("hourly partitions start at the given hour; per-transform assets get the partitions too", () => {
    const input = artifacts();
    input.orchestration.partitioning = {
      granularity: "hourly",
      start: "2026-03-29T05:00",
      timezone: "Europe/London",
      vars: { start: "a", end: "b" },
    };
    for (const model of input.transforms.models) delete model.unique_id;
    const py = definitions(input);
    expect(py).toContain('PARTITIONS = HourlyPartitionsDefinition(start_date="2026-03-29-05:00", timezone="Europe/London")');
    expect(py).toContain(
      "@multi_asset(specs=[spec], name=spec.key.to_python_identifier(), partitions_def=PARTITIONS, backfill_policy=BackfillPolicy.multi_run(1), retry_policy=retry_policy, pool=pool)",
    );
    expect(py).toContain('"buildable", *partition_vars(context)]');
  });

  it("leaves unpartitioned output without any of it", () => {
    const input = artifacts();
    delete input.orchestration.partitioning;
    expect(definitions(input)).not.toMatch(/PARTITION|partition_vars|BackfillPolicy/);
  });

  it("refuses a scheduleJob cron on a partitioned product, naming it", () => {
    const plugin = new DagsterPlugin({ dbtProjectDir: "/srv/dbt" });
    plugin.scheduleJob("partitioned_events", "0 6 * * *", "UTC");
    expect(() => definitions(artifacts(), plugin)).toThrow(
      expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: "scheduleJob[0]" }),
    );
  });
});
