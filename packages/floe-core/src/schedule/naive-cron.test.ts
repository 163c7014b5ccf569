import { describe, expect, it } from "vitest";
import { parseCron } from "./cron-expression.js";
import { nextNaive, prevNaive } from "./naive-cron.js";

const at = (iso: string): number => Date.parse(`${iso}Z`);
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16);

describe("naive cron matching", () => {
  it("moves strictly forward and backward to whole minutes", () => {
    const e = parseCron("0 10 * * *");
    expect(iso(nextNaive(e, at("2025-01-01T10:00:00")))).toBe("2025-01-02T10:00");
    expect(iso(nextNaive(e, at("2025-01-01T09:59:30")))).toBe("2025-01-01T10:00");
    expect(iso(prevNaive(e, at("2025-01-01T10:00:30")))).toBe("2025-01-01T10:00");
    expect(iso(prevNaive(e, at("2025-01-01T10:00:00")))).toBe("2024-12-31T10:00");
  });

  it("ORs day of month and day of week when both are restricted", () => {
    const e = parseCron("0 0 13 * 5");
    const seen: string[] = [];
    let t = at("2025-06-01T00:00:00");
    for (let i = 0; i < 4; i++) {
      t = nextNaive(e, t);
      seen.push(iso(t));
    }
    expect(seen).toEqual(["2025-06-06T00:00", "2025-06-13T00:00", "2025-06-20T00:00", "2025-06-27T00:00"]);
  });

  it("finds 29 February and month ends", () => {
    expect(iso(nextNaive(parseCron("0 0 29 2 *"), at("2025-01-01T00:00:00")))).toBe("2028-02-29T00:00");
    expect(iso(nextNaive(parseCron("0 0 31 * *"), at("2025-04-01T00:00:00")))).toBe("2025-05-31T00:00");
    expect(iso(prevNaive(parseCron("0 0 31 * *"), at("2025-05-01T00:00:00")))).toBe("2025-03-31T00:00");
  });
});
