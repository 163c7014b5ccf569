import { describe, expect, it } from "vitest";
import { AirflowPlugin } from "./airflow-plugin.js";

const { schedules } = new AirflowPlugin();
const local = (cron: string, timezone: string, from: string, count: number): string[] =>
  schedules.preview({ cron, timezone, from: new Date(from), count }).map((t) => t.local);

// Expected values were produced by apache-airflow 3.3.2 (see test/schedules/schedule-oracle.test.ts at the
// repository root, which recomputes them with the real tools on every run).
describe("AirflowPlugin.schedules.preview", () => {
  it("spring-forward gap: Airflow shifts by the gap", () => {
    expect(local("30 2 * * *", "America/New_York", "2025-03-08T17:00:00Z", 2)).toEqual([
      "2025-03-09T03:30:00-04:00",
      "2025-03-10T02:30:00-04:00",
    ]);
    expect(local("15 2 * * *", "Australia/Lord_Howe", "2025-10-04T01:00:00Z", 1)).toEqual(["2025-10-05T02:45:00+11:00"]);
  });

  it("fall-back hour: daily fires once (second reading), hourly fires twice", () => {
    expect(local("30 1 * * *", "America/New_York", "2025-11-01T17:00:00Z", 1)).toEqual(["2025-11-02T01:30:00-05:00"]);
    expect(local("30 * * * *", "America/New_York", "2025-11-02T04:00:00Z", 3)).toEqual([
      "2025-11-02T00:30:00-04:00",
      "2025-11-02T01:30:00-04:00",
      "2025-11-02T01:30:00-05:00",
    ]);
  });

  it("includes a start that falls on a fire time", () => {
    expect(local("0 6 * * *", "UTC", "2025-06-01T06:00:00Z", 1)).toEqual(["2025-06-01T06:00:00+00:00"]);
  });
});

describe("AirflowPlugin.schedules.validate", () => {
  it("accepts 31 February with a weekday (Airflow fires on the weekday) and refuses what never fires", () => {
    expect(schedules.validate("0 0 31 2 1", "UTC")).toMatchObject({ cron: "0 0 31 2 1", expanded: "0 0 31 2 1" });
    expect(local("0 0 31 2 1", "UTC", "2025-01-01T00:00:00Z", 1)).toEqual(["2025-02-03T00:00:00+00:00"]);
    expect(() => schedules.validate("0 0 30 2 *", "UTC")).toThrow(expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }));
  });
});
