import { describe, expect, it } from "vitest";
import { isFloeError } from "../errors.js";
import { cronError, parseCron, type ParseCronOptions } from "./cron-expression.js";

function refusal(cron: string, options?: ParseCronOptions): { path?: string; message: string; hint?: string } {
  try {
    parseCron(cron, options);
  } catch (error) {
    if (isFloeError(error, "FLOE_SCHEDULE_INVALID")) return { path: error.path, message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error(`"${cron}" was accepted`);
}

describe("parseCron", () => {
  it("expands ranges, steps, lists and names", () => {
    const e = parseCron("*/15 9-17/4 1,15 JAN-MAR mon-fri");
    expect(e.minute.values).toEqual([0, 15, 30, 45]);
    expect(e.hour.values).toEqual([9, 13, 17]);
    expect(e.dayOfMonth.values).toEqual([1, 15]);
    expect(e.month.values).toEqual([1, 2, 3]);
    expect(e.dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
  });

  it("reads A/N as A-max/N and folds Sunday 7 into 0, as croniter does", () => {
    expect(parseCron("5/20 * * * *").minute.values).toEqual([5, 25, 45]);
    expect(parseCron("0 0 * * 5-7").dayOfWeek.values).toEqual([0, 5, 6]);
  });

  it("treats a field covering its whole range as a wildcard (croniter's day_or rule)", () => {
    const e = parseCron("0 0 1-31 * 0-6");
    expect(e.dayOfMonth.isWildcard).toBe(true);
    expect(e.dayOfWeek.isWildcard).toBe(true);
    expect(parseCron("0 0 1 * 1").dayOfWeek.isWildcard).toBe(false);
  });

  it("expands macros and keeps the macro as the source", () => {
    for (const [macro, expanded] of [
      ["@hourly", "0 * * * *"],
      ["@daily", "0 0 * * *"],
      ["@weekly", "0 0 * * 0"],
      ["@monthly", "0 0 1 * *"],
      ["@yearly", "0 0 1 1 *"],
    ]) {
      const e = parseCron(macro!);
      expect(e.source).toBe(macro);
      expect(e.expanded).toBe(expanded);
    }
  });

  it("names the field and the bad token", () => {
    expect(refusal("61 * * * *").message).toMatch(/^minute field value 61 is out of range 0-59/);
    expect(refusal("* 25 * * *").message).toMatch(/^hour field/);
    expect(refusal("* * 0 * *").message).toMatch(/^day-of-month field/);
    expect(refusal("* * * Janu *").message).toBe('month field has a bad token "Janu"');
    expect(refusal("* * * * Sun-Sat-Mon").message).toMatch(/^day-of-week field has a bad range/);
    expect(refusal("0 0 1 1").path).toBe("cron");
  });

  it("refuses forms that Dagster or Airflow read differently, saying why", () => {
    expect(refusal("0 0 0 * * *").message).toMatch(/6 fields \(a seconds or year field\?\)/);
    expect(refusal("0 0 0 * * *").hint).toMatch(/Dagster refuses/);
    for (const cron of ["0 0 L * *", "0 0 1W * *", "0 0 * * 1#3", "0 0 ? * 1", "H 0 * * *", "0 0 * * 5L"]) {
      expect(refusal(cron).message).toMatch(/which floe does not support/);
    }
  });

  it("refuses days that never occur, whatever the orchestrator", () => {
    expect(refusal("0 0 30 2 *").hint).toMatch(/would never fire/);
    expect(refusal("0 0 31 2,4 *").message).toMatch(/never occurs/);
    expect(parseCron("0 0 29 2 *").dayOfMonth.values).toEqual([29]);
    // With a weekday, 31 February is a weekday schedule (Airflow fires on it); Dagster's plugin refuses it itself.
    expect(parseCron("0 0 31 2 1").dayOfWeek.values).toEqual([1]);
  });

  it("runs an orchestrator's own rules (refine) on the parsed fields, before the neutral checks", () => {
    const seen: string[][] = [];
    const refine = (e: { dayOfMonth: { values: number[] } }, fields: readonly string[]) => {
      seen.push([...fields]);
      if (e.dayOfMonth.values.length === 1 && e.dayOfMonth.values[0] === 30) throw cronError("no 30th here", "pick another day");
    };
    expect(refusal("0 0 30 2 *", { refine })).toMatchObject({ path: "cron", message: "no 30th here", hint: "pick another day" });
    expect(parseCron("@daily", { refine }).source).toBe("@daily");
    expect(seen).toEqual([
      ["0", "0", "30", "2", "*"],
      ["0", "0", "*", "*", "*"],
    ]);
  });
});
