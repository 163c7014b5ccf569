import { stringify } from "yaml";
import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import { FloeError } from "../../errors.js";
import { loadPlugin } from "../../plugin-registry.js";
import { parseWorkloadSize } from "../../resources.js";
import { parseCommandArgs, refuseExtraPositionals, stringOption } from "../args.js";
import type { Command } from "../context.js";
import { readInputFile } from "../read-input.js";

const usage = "floe helm-values --orchestrator <name> [--size small|medium|large] [--artifacts <file>]";

export const helmValuesCommand: Command = {
  path: ["helm-values"],
  summary: "print values for the orchestrator's Helm chart (YAML)",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { orchestrator: { type: "string" }, size: { type: "string" }, artifacts: { type: "string" } },
      usage,
    );
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
    const chartValues = plugin.getHelmValues({ size, ...(artifacts ? { artifacts } : {}) });
    ctx.stdout(stringify(chartValues, { sortMapEntries: false }));
    return 0;
  },
};
