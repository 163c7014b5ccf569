// floe-core's neutral comparison (diffSchedule) over the two plugins' own schedule semantics
// (`plugin.schedules`, built packages): repository-level because it needs both plugins.
import { describe, expect, it } from "vitest";
import { diffSchedule as diffWith, offsetChanges, type ScheduleDiffOptions } from "floe-core";
import { AirflowPlugin } from "floe-orchestrator-airflow";
import { DagsterPlugin } from "floe-orchestrator-dagster";

const SIDES = { dagster: new DagsterPlugin().schedules, airflow: new AirflowPlugin().schedules };
const diffSchedule = (options: ScheduleDiffOptions) => diffWith(options, SIDES);

const local = (d: { dagsterOnly: Array<{ local: string }>; airflowOnly: Array<{ local: string }> }) => ({
  dagster: d.dagsterOnly.map((t) => t.local),
  airflow: d.airflowOnly.map((t) => t.local),
});

// The expected instants are the oracle's (dagster 1.13.27, apache-airflow 3.3.2): the values committed in
// the plugins' schedules.test.ts and the table of docs/schedules.md "Where the two differ", which
// test/schedules/schedule-oracle.test.ts recomputes with the real tools.
describe("diffSchedule", () => {
  it("New York spring-forward, 30 2 * * *: Dagster 03:00, Airflow 03:30 EDT; nothing on the fall-back night", () => {
    const d = diffSchedule({ cron: "30 2 * * *", timezone: "America/New_York", from: new Date("2025-01-01T00:00:00Z"), days: 365 });
    expect(d.map(local)).toEqual([{ dagster: ["2025-03-09T03:00:00-04:00"], airflow: ["2025-03-09T03:30:00-04:00"] }]);
    expect(d[0]!.transition).toBe("2025-03-09T07:00:00Z");
  });

  it("New York, 15 1-3 * * *: Airflow fires once fewer (03:00 only in Dagster)", () => {
    const [d] = diffSchedule({ cron: "15 1-3 * * *", timezone: "America/New_York", from: new Date("2025-03-01T00:00:00Z"), days: 30 });
    expect(local(d!)).toEqual({ dagster: ["2025-03-09T03:00:00-04:00"], airflow: [] });
  });

  it("London and Dublin, 30 1 * * * on 2025-03-30", () => {
    const from = new Date("2025-03-29T00:00:00Z");
    expect(diffSchedule({ cron: "30 1 * * *", timezone: "Europe/London", from, days: 3 }).map(local)).toEqual([
      { dagster: ["2025-03-30T02:00:00+01:00"], airflow: ["2025-03-30T02:30:00+01:00"] },
    ]);
    const [dublin] = diffSchedule({ cron: "30 1 * * *", timezone: "Europe/Dublin", from, days: 3 });
    expect(dublin!.dagsterOnly.map((t) => t.utc)).toEqual(["2025-03-30T00:00:00Z"]);
    expect(dublin!.airflowOnly.map((t) => t.utc)).toEqual(["2025-03-30T01:30:00Z"]);
  });

  it("Lord Howe, Chatham, Mexico City and Asunción nights from the table", () => {
    const one = (cron: string, timezone: string, from: string, days: number) =>
      diffSchedule({ cron, timezone, from: new Date(from), days, count: 1 }).map(local)[0];
    expect(one("15 2 * * *", "Australia/Lord_Howe", "2025-10-01T00:00:00Z", 10)).toEqual({
      dagster: ["2025-10-05T02:30:00+11:00"],
      airflow: ["2025-10-05T02:45:00+11:00"],
    });
    expect(one("45 2 * * *", "Pacific/Chatham", "2025-09-25T00:00:00Z", 10)?.airflow).toEqual(["2025-09-28T03:45:00+13:45"]);
    expect(one("15 3 * * *", "Pacific/Chatham", "2025-09-25T00:00:00Z", 10)).toEqual({
      dagster: ["2025-09-28T04:00:00+13:45"],
      airflow: ["2025-09-28T04:15:00+13:45"],
    });
    expect(one("30 2 * * *", "America/Mexico_City", "2022-04-01T00:00:00Z", 10)).toEqual({
      dagster: ["2022-04-03T03:00:00-05:00"],
      airflow: ["2022-04-03T03:30:00-05:00"],
    });
    const asuncion = diffSchedule({
      cron: "30 23 * * *",
      timezone: "America/Asuncion",
      from: new Date("2024-03-20T00:00:00Z"),
      days: 10,
    })[0]!;
    expect(local(asuncion)).toEqual({ dagster: ["2024-03-23T23:30:00-03:00"], airflow: ["2024-03-23T23:30:00-04:00"] });
  });

  it("finds nothing where the orchestrators agree: daily off the changed hours, a zone without DST, the fall-back night", () => {
    expect(diffSchedule({ cron: "0 6 * * *", timezone: "Europe/London", from: new Date("2025-01-01T00:00:00Z"), days: 730 })).toEqual([]);
    expect(diffSchedule({ cron: "*/15 * * * *", timezone: "Asia/Kathmandu", from: new Date("2025-01-01T00:00:00Z"), days: 730 })).toEqual(
      [],
    );
    expect(diffSchedule({ cron: "30 1 * * *", timezone: "America/New_York", from: new Date("2025-10-01T00:00:00Z"), days: 60 })).toEqual(
      [],
    );
  });

  it("stops at count and searches years ahead", () => {
    const d = diffSchedule({ cron: "30 2 * * *", timezone: "America/New_York", from: new Date("2025-01-01T00:00:00Z"), count: 3 });
    expect(d.map((x) => x.airflowOnly[0]!.local.slice(0, 10))).toEqual(["2025-03-09", "2026-03-08", "2027-03-14"]);
  });

  it("refuses what either orchestrator refuses, at the field", () => {
    // Dagster refuses 30 February; Airflow's croniter reading accepts it.
    expect(() => diffSchedule({ cron: "0 0 30 2 *", timezone: "UTC" })).toThrow(
      expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }),
    );
    expect(() => diffSchedule({ cron: "0 6 * * *", timezone: "Mars/Olympus" })).toThrow(
      expect.objectContaining({ code: "FLOE_TIMEZONE_INVALID", path: "timezone" }),
    );
    expect(() => diffSchedule({ cron: "0 6 * * *", timezone: "UTC", count: 0 })).toThrow(
      expect.objectContaining({ code: "FLOE_USAGE", path: "options.count" }),
    );
  });

  it("finds offset changes to the minute", () => {
    expect(
      offsetChanges("Europe/London", Date.parse("2025-01-01T00:00:00Z"), Date.parse("2026-01-01T00:00:00Z")).map((t) =>
        new Date(t).toISOString(),
      ),
    ).toEqual(["2025-03-30T01:00:00.000Z", "2025-10-26T01:00:00.000Z"]);
  });
});
