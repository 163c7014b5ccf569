import { describe, expect, it } from "vitest";
import { parseIsoInstant } from "./iso-instant.js";

describe("parseIsoInstant", () => {
  it("accepts instants with an offset", () => {
    expect(parseIsoInstant("2026-01-01T00:00:00Z")?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(parseIsoInstant("2024-02-29T12:30:00+02:00")?.toISOString()).toBe("2024-02-29T10:30:00.000Z");
  });

  it("refuses impossible dates and times that Date.parse rolls over", () => {
    for (const bad of [
      "2026-02-30T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-01-01T25:00:00Z",
      "2026-01-01T12:60:00Z",
      "2026-13-01T00:00:00Z",
    ]) {
      expect(parseIsoInstant(bad), bad).toBeUndefined();
    }
    expect(Number.isNaN(Date.parse("2026-02-30T00:00:00Z"))).toBe(false);
  });

  it("refuses instants without an offset", () => {
    expect(parseIsoInstant("2026-01-01T00:00:00")).toBeUndefined();
    expect(parseIsoInstant("2026-01-01")).toBeUndefined();
  });
});
