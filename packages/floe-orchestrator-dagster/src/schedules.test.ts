import { describeScheduleSemantics } from "floe-test-utils/schedule-semantics";
import { describe, expect, it } from "vitest";
import { DagsterPlugin } from "./dagster-plugin.js";

const { schedules } = new DagsterPlugin();

// Expected values were produced by dagster 1.13.27 (see test/schedules/schedule-oracle.test.ts at the
// repository root, which recomputes them with the real tools on every run).
describeScheduleSemantics({
  name: "DagsterPlugin.schedules.preview",
  schedules,
  springForward: {
    title: "spring-forward gap: Dagster fires at the end of the gap",
    newYork: ["2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"],
    lordHowe: "2025-10-05T02:30:00+11:00",
  },
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
