import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { pyAmbiguous, pyDst, pyExists, pyFromTimestamp, pyTimestamp, pyUtcOffset } from "./py-datetime.js";

const wall = (iso: string): number => Date.parse(`${iso}Z`);
const H = 3_600_000;

// Expected values are what CPython 3.11's zoneinfo answers for the same datetimes.
describe("Python datetime semantics on luxon zones", () => {
  const ny = IANAZone.create("America/New_York");
  const dublin = IANAZone.create("Europe/Dublin");
  const lordHowe = IANAZone.create("Australia/Lord_Howe");

  it("maps a skipped wall time with the offset before (fold 0) or after (fold 1) the gap", () => {
    const gap = { wall: wall("2025-03-09T02:30:00"), zone: ny };
    expect(pyUtcOffset({ ...gap, fold: 0 })).toBe(-5 * H);
    expect(pyUtcOffset({ ...gap, fold: 1 })).toBe(-4 * H);
    expect(pyExists({ ...gap, fold: 0 })).toBe(false);
    expect(pyAmbiguous({ ...gap, fold: 0 })).toBe(true); // dateutil says so too
  });

  it("maps a repeated wall time to the first (fold 0) or second (fold 1) reading", () => {
    const repeat = { wall: wall("2025-11-02T01:30:00"), zone: ny };
    expect(new Date(pyTimestamp({ ...repeat, fold: 0 })).toISOString()).toBe("2025-11-02T05:30:00.000Z");
    expect(new Date(pyTimestamp({ ...repeat, fold: 1 })).toISOString()).toBe("2025-11-02T06:30:00.000Z");
    expect(pyFromTimestamp(Date.parse("2025-11-02T06:30:00Z"), ny).fold).toBe(1);
    expect(pyFromTimestamp(Date.parse("2025-11-02T05:30:00Z"), ny).fold).toBe(0);
  });

  it("gives zoneinfo's dst(): 30 minutes on Lord Howe, negative in Dublin's winter", () => {
    expect(pyDst({ wall: wall("2025-10-05T03:15:00"), fold: 0, zone: lordHowe })).toBe(H / 2);
    expect(pyDst({ wall: wall("2025-01-30T02:30:00"), fold: 0, zone: dublin })).toBe(-H);
    expect(pyDst({ wall: wall("2025-03-30T02:30:00"), fold: 0, zone: dublin })).toBe(0);
    expect(pyDst({ wall: wall("2025-06-30T02:30:00"), fold: 0, zone: IANAZone.create("Asia/Kathmandu") })).toBe(0);
  });
});
