import { describeScheduleSemantics, localTicks } from "floe-test-utils/schedule-semantics";
import { describe, expect, it } from "vitest";
import { AirflowPlugin } from "./airflow-plugin.js";

const { schedules } = new AirflowPlugin();

// Expected values were produced by apache-airflow 3.3.2 (see test/schedules/schedule-oracle.test.ts at the
// repository root, which recomputes them with the real tools on every run).
describeScheduleSemantics({
  name: "AirflowPlugin.schedules.preview",
  schedules,
  springForward: {
    title: "spring-forward gap: Airflow shifts by the gap",
    newYork: ["2025-03-09T03:30:00-04:00", "2025-03-10T02:30:00-04:00"],
    lordHowe: "2025-10-05T02:45:00+11:00",
  },
});

describe("AirflowPlugin.schedules.validate", () => {
  it("accepts 31 February with a weekday (Airflow fires on the weekday) and refuses what never fires", () => {
    expect(schedules.validate("0 0 31 2 1", "UTC")).toMatchObject({ cron: "0 0 31 2 1", expanded: "0 0 31 2 1" });
    expect(localTicks(schedules, "0 0 31 2 1", "UTC", "2025-01-01T00:00:00Z", 1)).toEqual(["2025-02-03T00:00:00+00:00"]);
    expect(() => schedules.validate("0 0 30 2 *", "UTC")).toThrow(expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }));
  });
});
