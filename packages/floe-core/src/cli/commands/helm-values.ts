import { stringify } from "yaml";
import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import { FloeError } from "../../errors.js";
import { loadPlugin } from "../../plugin-registry.js";
import { parseWorkloadSize } from "../../resources.js";
import { parseCommandArgs, refuseExtraPositionals, stringOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";

const usage = "floe helm-values --orchestrator <name> [--size small|medium|large] [--artifacts <file>]";

const options: Record<string, CommandOption> = {
  orchestrator: { type: "string", value: "<name>", description: "the plugin whose chart the values are for", default: "required" },
  size: { type: "string", value: "small|medium|large", description: "the resource preset", default: "small" },
  artifacts: {
    type: "string",
    value: "<file>",
    description: "CompiledArtifacts whose settings (lineage, schedules) the values carry",
    default: "none",
  },
};

export const helmValuesCommand: Command = {
  path: ["helm-values"],
  summary: "print values for the orchestrator's Helm chart (YAML)",
  usage,
  options,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    refuseExtraPositionals(positionals, 0, usage);
    const orchestrator = stringOption(values, "orchestrator");
    if (!orchestrator) throw new FloeError("FLOE_USAGE", "missing --orchestrator", { path: "--orchestrator", hint: `usage: ${usage}` });
    // Checked before anything is loaded, so a typo fails fast and names the flag.
    const size = parseWorkloadSize(stringOption(values, "size") ?? "small", "--size");
    const file = stringOption(values, "artifacts");
    let artifacts;
    if (file !== undefined) {
      const parsed = parseArtifactsJson(await readInputFile(ctx.cwd, file, "--artifacts"));
      for (const warning of parsed.warnings) ctx.stderr(`warning: ${warning}\n`);
      artifacts = parsed.artifacts;
    }
    const plugin = await loadPlugin(orchestrator, { cwd: ctx.cwd });
    if (!plugin.helmValues) {
      throw new FloeError("FLOE_USAGE", `the ${orchestrator} plugin has no Helm chart values`, {
        path: "--orchestrator",
        hint: "floe plugins --json lists each plugin's capabilities",
      });
    }
    const chartValues = plugin.helmValues({ size, ...(artifacts ? { artifacts } : {}) });
    ctx.stdout(stringify(chartValues, { sortMapEntries: false }));
    return 0;
  },
};
