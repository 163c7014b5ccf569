/**
 * Test support (not part of the build): the schedule cases every orchestrator plugin's `schedules`
 * capability is held to, as one shared vitest suite. Where the orchestrators differ (a spring-forward
 * gap), each plugin passes its orchestrator's own answer; the rest must come out the same for both.
 * The expected values were produced by the real tools (test/schedules/schedule-oracle.test.ts at the
 * repository root recomputes them on every run).
 */
import { describe, expect, it } from "vitest";
import type { ScheduleCapability } from "floe-core";

export interface ScheduleSemantics {
  /** What the suite is called, e.g. "DagsterPlugin.schedules.preview". */
  name: string;
  schedules: ScheduleCapability;
  /** The spring-forward gap: the test's title and the orchestrator's fire times for it. */
  springForward: {
    title: string;
    /** `30 2 * * *` in America/New_York from 2025-03-08T17:00Z, two ticks. */
    newYork: [string, string];
    /** `15 2 * * *` in Australia/Lord_Howe (a 30-minute gap) from 2025-10-04T01:00Z, one tick. */
    lordHowe: string;
  };
}

/** The local fire times of `count` ticks of `cron` in `timezone` from `from`. */
export function localTicks(schedules: ScheduleCapability, cron: string, timezone: string, from: string, count: number): string[] {
  return schedules.preview({ cron, timezone, from: new Date(from), count }).map((t) => t.local);
}

/** Registers the shared suite for one plugin's schedules capability. */
export function describeScheduleSemantics({ name, schedules, springForward }: ScheduleSemantics): void {
  const local = (cron: string, timezone: string, from: string, count: number) => localTicks(schedules, cron, timezone, from, count);

  describe(name, () => {
    it(springForward.title, () => {
      expect(local("30 2 * * *", "America/New_York", "2025-03-08T17:00:00Z", 2)).toEqual(springForward.newYork);
      expect(local("15 2 * * *", "Australia/Lord_Howe", "2025-10-04T01:00:00Z", 1)).toEqual([springForward.lordHowe]);
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
}
