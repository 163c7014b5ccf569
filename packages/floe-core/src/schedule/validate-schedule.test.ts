import { describe, expect, it } from "vitest";
import { validateSchedule } from "./validate-schedule.js";

describe("validateSchedule (orchestrator-neutral)", () => {
  it("keeps its two-argument form and returns the expanded cron and the parsed fields", () => {
    expect(validateSchedule(" @daily ", "Europe/London")).toMatchObject({
      cron: "@daily",
      expanded: "0 0 * * *",
      timezone: "Europe/London",
    });
    expect(validateSchedule("*/30 6 * * 1-5", "UTC").expression.minute.values).toEqual([0, 30]);
  });

  it("refuses with the field path", () => {
    expect(() => validateSchedule("0 0 * * *", "EST")).toThrow(
      expect.objectContaining({ code: "FLOE_TIMEZONE_INVALID", path: "timezone" }),
    );
    expect(() => validateSchedule("0 0 31 4 *", "UTC")).toThrow(expect.objectContaining({ code: "FLOE_SCHEDULE_INVALID", path: "cron" }));
  });
});
