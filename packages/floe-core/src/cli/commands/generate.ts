import { parseArtifactsJson, rememberValidated } from "../../artifacts/parse-artifacts.js";
import { FloeError, isFloeError } from "../../errors.js";
import { writeOutputDirectory } from "../../output/write-output.js";
import { loadPlugin } from "../../plugin-registry.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional, stringOption } from "../args.js";
import type { Command } from "../context.js";
import { readInputFile } from "../read-input.js";
import { stringify } from "yaml";
import { resolve } from "node:path";

const usage = "floe generate <artifacts.json> --orchestrator <name> --out <dir> [--dbt-project <dir>]";

export const generateCommand: Command = {
  path: ["generate"],
  summary: "write the orchestrator's code (and values.yaml) for compiled artifacts",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { orchestrator: { type: "string" }, out: { type: "string" }, "dbt-project": { type: "string" } },
      usage,
    );
    const file = requirePositional(positionals, 0, "<artifacts.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    const orchestrator = stringOption(values, "orchestrator");
    const out = stringOption(values, "out");
    if (!orchestrator) throw new FloeError("FLOE_USAGE", "missing --orchestrator", { path: "--orchestrator", hint: `usage: ${usage}` });
    if (!out) throw new FloeError("FLOE_USAGE", "missing --out", { path: "--out", hint: `usage: ${usage}` });
    const dbtProject = stringOption(values, "dbt-project");
    // Validated here, before any plugin loads; the plugin's own parseArtifacts then accepts it as is.
    const { artifacts, warnings } = rememberValidated(parseArtifactsJson(await readInputFile(ctx.cwd, file, "<artifacts.json>")));
    for (const warning of warnings) ctx.stderr(`warning: ${warning}\n`);
    const plugin = await loadPlugin(orchestrator, {
      cwd: ctx.cwd,
      options: dbtProject ? { dbtProjectDir: resolve(ctx.cwd, dbtProject) } : {},
    });
    const definitions = plugin.createDefinitions(artifacts);
    for (const warning of definitions.warnings ?? []) ctx.stderr(`floe: warning: ${warning}\n`);
    const files = definitions.render();
    if (!files.some((f) => f.path === "values.yaml")) {
      try {
        files.push({ path: "values.yaml", content: stringify(plugin.getHelmValues({ artifacts }), { sortMapEntries: false }) });
      } catch (error) {
        // A plugin whose chart values are not built yet still generates its code; say what is missing.
        if (!isFloeError(error, "FLOE_NOT_IMPLEMENTED")) throw error;
        ctx.stderr(`warning: no values.yaml: ${error.message}\n`);
      }
    }
    await writeOutputDirectory(resolve(ctx.cwd, out), files);
    ctx.stdout(`wrote ${files.length} files for ${orchestrator} to ${out}\n`);
    return 0;
  },
};
