import { describe, expect, it } from "vitest";
import { previewSchedule } from "./preview.js";
import { validateSchedule } from "./validate-schedule.js";

const local = (cron: string, timezone: string, from: string, count: number, orchestrator: "dagster" | "airflow"): string[] =>
  previewSchedule({ cron, timezone, from: new Date(from), count, orchestrator }).map((t) => t.local);

// Expected values were produced by dagster 1.13.27 and apache-airflow 3.3.2 (see test/e2e/schedule-oracle.test.ts,
// which recomputes them with the real tools on every run).
describe("previewSchedule", () => {
  it("spring-forward gap: Dagster fires at the end of the gap, Airflow shifts by the gap", () => {
    expect(local("30 2 * * *", "America/New_York", "2025-03-08T17:00:00Z", 2, "dagster")).toEqual(["2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"]);
    expect(local("30 2 * * *", "America/New_York", "2025-03-08T17:00:00Z", 2, "airflow")).toEqual(["2025-03-09T03:30:00-04:00", "2025-03-10T02:30:00-04:00"]);
    expect(local("15 2 * * *", "Australia/Lord_Howe", "2025-10-04T01:00:00Z", 1, "dagster")).toEqual(["2025-10-05T02:30:00+11:00"]);
    expect(local("15 2 * * *", "Australia/Lord_Howe", "2025-10-04T01:00:00Z", 1, "airflow")).toEqual(["2025-10-05T02:45:00+11:00"]);
  });

  it("fall-back hour: daily fires once (second reading), hourly fires twice", () => {
    for (const o of ["dagster", "airflow"] as const) {
      expect(local("30 1 * * *", "America/New_York", "2025-11-01T17:00:00Z", 1, o)).toEqual(["2025-11-02T01:30:00-05:00"]);
      expect(local("30 * * * *", "America/New_York", "2025-11-02T04:00:00Z", 3, o)).toEqual([
        "2025-11-02T00:30:00-04:00",
        "2025-11-02T01:30:00-04:00",
        "2025-11-02T01:30:00-05:00",
      ]);
    }
  });

  it("includes a start that falls on a fire time", () => {
    for (const o of ["dagster", "airflow"] as const) expect(local("0 6 * * *", "UTC", "2025-06-01T06:00:00Z", 1, o)).toEqual(["2025-06-01T06:00:00+00:00"]);
  });

  it("gives UTC alongside", () => {
    const [t] = previewSchedule({ cron: "45 5 * * *", timezone: "Asia/Kathmandu", from: new Date("2025-06-01T00:00:00Z"), count: 1 });
    expect(t).toEqual({ local: "2025-06-01T05:45:00+05:45", utc: "2025-06-01T00:00:00Z", epochMs: Date.parse("2025-06-01T00:00:00Z") });
  });

  it("refuses a bad count", () => {
    expect(() => previewSchedule({ cron: "@daily", timezone: "UTC", count: 0 })).toThrow(/count 0/);
  });
});

describe("validateSchedule", () => {
  it("keeps its two-argument form and returns the expanded cron", () => {
    expect(validateSchedule(" @daily ", "Europe/London")).toEqual({ cron: "@daily", expanded: "0 0 * * *", timezone: "Europe/London" });
  });

  it("refuses with the field path", () => {
    expect(() => validateSchedule("0 0 * * *", "EST")).toThrow(expect.objectContaining({ code: "FLOE_TIMEZONE_INVALID", path: "timezone" }));
    expect(() => validateSchedule("0 0 31 2 *", "UTC", "dagster")).toThrow(expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }));
  });
});
