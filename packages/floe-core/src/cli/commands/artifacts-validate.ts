import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional } from "../args.js";
import type { Command } from "../context.js";
import { readInputFile } from "../read-input.js";

const usage = "floe artifacts validate <artifacts.json> [--json]";

export const artifactsValidateCommand: Command = {
  path: ["artifacts", "validate"],
  summary: "check a CompiledArtifacts file (shape, version, transform graph)",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } }, usage);
    const file = requirePositional(positionals, 0, "<artifacts.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    const { artifacts, warnings } = parseArtifactsJson(await readInputFile(ctx.cwd, file, "<artifacts.json>"));
    const models = artifacts.transforms?.models.length ?? 0;
    if (values.json) {
      ctx.stdout(`${JSON.stringify({ valid: true, version: artifacts.version, product: artifacts.metadata.product_name, models, warnings })}\n`);
    } else {
      for (const warning of warnings) ctx.stderr(`warning: ${warning}\n`);
      ctx.stdout(`${file}: valid CompiledArtifacts ${artifacts.version} (${artifacts.metadata.product_name}, ${models} model${models === 1 ? "" : "s"})\n`);
    }
    return 0;
  },
};
