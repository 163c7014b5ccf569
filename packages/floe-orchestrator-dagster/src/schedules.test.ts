import { describe, expect, it } from "vitest";
import { DagsterPlugin } from "./dagster-plugin.js";

const { schedules } = new DagsterPlugin();
const local = (cron: string, timezone: string, from: string, count: number): string[] =>
  schedules.preview({ cron, timezone, from: new Date(from), count }).map((t) => t.local);

// Expected values were produced by dagster 1.13.27 (see test/schedules/schedule-oracle.test.ts at the
// repository root, which recomputes them with the real tools on every run).
describe("DagsterPlugin.schedules.preview", () => {
  it("spring-forward gap: Dagster fires at the end of the gap", () => {
    expect(local("30 2 * * *", "America/New_York", "2025-03-08T17:00:00Z", 2)).toEqual([
      "2025-03-09T03:00:00-04:00",
      "2025-03-10T02:30:00-04:00",
    ]);
    expect(local("15 2 * * *", "Australia/Lord_Howe", "2025-10-04T01:00:00Z", 1)).toEqual(["2025-10-05T02:30:00+11:00"]);
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

  it("gives UTC alongside", () => {
    const [t] = schedules.preview({ cron: "45 5 * * *", timezone: "Asia/Kathmandu", from: new Date("2025-06-01T00:00:00Z"), count: 1 });
    expect(t).toEqual({ local: "2025-06-01T05:45:00+05:45", utc: "2025-06-01T00:00:00Z", epochMs: Date.parse("2025-06-01T00:00:00Z") });
  });

  it("refuses a bad count, naming the field", () => {
    expect(() => schedules.preview({ cron: "@daily", timezone: "UTC", count: 0 })).toThrow(
      expect.objectContaining({ path: "options.count", message: expect.stringMatching(/count 0/) }),
    );
  });
});

describe("DagsterPlugin.schedules.validate", () => {
  it("returns the trimmed and the expanded cron", () => {
    expect(schedules.validate(" @daily ", "Europe/London")).toMatchObject({
      cron: "@daily",
      expanded: "0 0 * * *",
      timezone: "Europe/London",
    });
  });

  it("refuses 30/31 February as Dagster does, even with a weekday, naming the field", () => {
    expect(() => schedules.validate("0 0 31 2 *", "UTC")).toThrow(
      expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron", hint: expect.stringMatching(/Dagster refuses/) }),
    );
    expect(() => schedules.validate("0 0 30 2 *", "UTC")).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/Dagster refuses/) }),
    );
    expect(() => schedules.validate("0 0 31 2 1", "UTC")).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/never occurs/) }),
    );
    expect(() => schedules.validate("0 0 * * *", "EST")).toThrow(
      expect.objectContaining({ code: "FLOE_TIMEZONE_INVALID", path: "timezone" }),
    );
  });
});
