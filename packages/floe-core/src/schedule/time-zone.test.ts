import { describe, expect, it } from "vitest";
import { isFloeError } from "../errors.js";
import { suggestTimeZone, validateTimeZone } from "./time-zone.js";

function hintFor(zone: string): string | undefined {
  try {
    validateTimeZone(zone);
  } catch (error) {
    if (isFloeError(error, "FLOE_TIMEZONE_INVALID") && error.path === "timezone") return error.hint;
    throw error;
  }
  throw new Error(`${zone} was accepted`);
}

describe("validateTimeZone", () => {
  it("accepts IANA names as spelled, links included", () => {
    for (const zone of [
      "UTC",
      "America/New_York",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/Argentina/Buenos_Aires",
      "US/Eastern",
      "Asia/Calcutta",
      "America/Port-au-Prince",
    ]) {
      expect(validateTimeZone(zone).name).toBe(zone);
    }
  });

  it("suggests the zone for near misses", () => {
    expect(hintFor("America/New York")).toBe("did you mean America/New_York?");
    expect(hintFor("america/new_york")).toBe("did you mean America/New_York?");
    expect(hintFor("EST5EDT")).toBe("did you mean America/New_York?");
    expect(hintFor("PST")).toBe("did you mean America/Los_Angeles?");
    expect(hintFor("CET")).toBe("did you mean Europe/Paris?");
    expect(hintFor("Europe/Londn")).toBe("did you mean Europe/London?");
    expect(hintFor("Kathmandu")).toBe("did you mean Asia/Kathmandu?");
    expect(hintFor("Asia/Katmandoo")).toBe("did you mean Asia/Kathmandu?");
  });

  it("refuses fixed offsets and unknown places with a generic hint", () => {
    expect(hintFor("Etc/GMT+5")).toMatch(/IANA zone name/);
    expect(hintFor("Nowhere/Special")).toMatch(/IANA zone name/);
    expect(suggestTimeZone("zzzzzzzz")).toBeUndefined();
  });
});
