import { describe, expect, it } from "vitest";
import { offsetChanges } from "./schedule-diff.js";

// The divergences themselves need both orchestrators' tick rules, which live in the plugins:
// test/schedules/schedule-diff.test.ts checks diffSchedule with them against the oracle's instants.
describe("offsetChanges", () => {
  it("finds a zone's offset changes to the minute", () => {
    expect(
      offsetChanges("Europe/London", Date.parse("2025-01-01T00:00:00Z"), Date.parse("2026-01-01T00:00:00Z")).map((t) =>
        new Date(t).toISOString(),
      ),
    ).toEqual(["2025-03-30T01:00:00.000Z", "2025-10-26T01:00:00.000Z"]);
    expect(offsetChanges("Asia/Kathmandu", Date.parse("2025-01-01T00:00:00Z"), Date.parse("2027-01-01T00:00:00Z"))).toEqual([]);
  });
});
