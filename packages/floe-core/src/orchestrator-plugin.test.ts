import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parsePluginOptions } from "./orchestrator-plugin.js";

const Schema = z.object({ retries: z.number().int().min(0).optional(), url: z.string().url().optional() }).strict();

describe("parsePluginOptions", () => {
  it("returns the parsed options", () => {
    expect(parsePluginOptions(Schema, { retries: 2 }, "ExampleOptionsSchema")).toEqual({ retries: 2 });
  });

  it("refuses a bad value with FLOE_CONFIG_INVALID at options.<field>, the hint naming the schema", () => {
    expect(() => parsePluginOptions(Schema, { retries: -1 }, "ExampleOptionsSchema")).toThrow(
      expect.objectContaining({
        code: "FLOE_CONFIG_INVALID",
        path: "options.retries",
        hint: "see ExampleOptionsSchema for the accepted options",
      }),
    );
  });

  it("refuses an unknown option, naming it", () => {
    expect(() => parsePluginOptions(Schema, { bogus: true }, "ExampleOptionsSchema")).toThrow(
      expect.objectContaining({ code: "FLOE_CONFIG_INVALID", message: expect.stringMatching(/bogus/) }),
    );
  });
});
