import { describe, expect, it } from "vitest";
import { wholeNumberOption } from "./args.js";

describe("wholeNumberOption", () => {
  it("is undefined when absent and the number when it is a whole number in range", () => {
    expect(wholeNumberOption(undefined, "--count", 10)).toBeUndefined();
    expect(wholeNumberOption("1", "--count", 10)).toBe(1);
    expect(wholeNumberOption("10", "--count", 10)).toBe(10);
  });

  it.each(["0", "11", "-1", "1.5", "1e1", " 1", "ten", "", "99999999999999999999"])(
    "refuses %j with FLOE_USAGE naming the flag",
    (value) => {
      expect(() => wholeNumberOption(value, "--count", 10)).toThrow(
        expect.objectContaining({
          code: "FLOE_USAGE",
          path: "--count",
          message: expect.stringMatching(/is not a whole number from 1 to 10$/),
          hint: "e.g. --count 10",
        }),
      );
    },
  );

  it("names the unit and gives the caller's hint", () => {
    expect(() => wholeNumberOption("0", "--timeout", 604_800, { unit: "seconds", hint: "e.g. --timeout 3600" })).toThrow(
      expect.objectContaining({
        path: "--timeout",
        message: '"0" is not a whole number of seconds from 1 to 604800',
        hint: "e.g. --timeout 3600",
      }),
    );
  });
});
