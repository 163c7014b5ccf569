import { compiledArtifactsJsonSchema } from "../../artifacts/json-schema.js";
import { parseCommandArgs, refuseExtraPositionals } from "../args.js";
import type { Command } from "../context.js";

const usage = "floe artifacts schema";

export const artifactsSchemaCommand: Command = {
  path: ["artifacts", "schema"],
  summary: "print the JSON Schema of CompiledArtifacts (draft 2020-12)",
  usage,
  options: {},
  async run(args, ctx) {
    const { positionals } = parseCommandArgs(args, {}, usage);
    refuseExtraPositionals(positionals, 0, usage);
    ctx.stdout(`${JSON.stringify(compiledArtifactsJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
