import { discoverPlugins, installHint, loadPluginCapabilities } from "../../plugin-registry.js";
import { parseCommandArgs, refuseExtraPositionals } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { oneLine } from "../../errors.js";

const usage = "floe plugins [--json]";

const options: Record<string, CommandOption> = {
  json: { type: "boolean", description: "print JSON instead of text", default: "off" },
};

export const pluginsCommand: Command = {
  path: ["plugins"],
  summary: "list the orchestrator plugins installed in this project",
  usage,
  options,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    refuseExtraPositionals(positionals, 0, usage);
    const { plugins, problems, searched } = await discoverPlugins({ cwd: ctx.cwd });
    const rows: Array<{
      name: string | null;
      package: string;
      version: string | null;
      floeApiVersion: string | null;
      compatible: boolean;
      capabilities?: string[] | null;
      loadError?: string;
      error?: string;
    }> = [
      ...plugins.map((p) => ({
        name: p.name,
        package: p.package,
        version: p.version,
        floeApiVersion: p.floeApiVersion,
        compatible: p.compatible,
        ...(p.error ? { error: `${p.error.code}: ${p.error.message}` } : {}),
      })),
      ...problems.map((p) => ({
        name: null,
        package: p.package,
        version: null,
        floeApiVersion: null,
        compatible: false,
        error: `${p.error.code}: ${p.error.message}`,
      })),
    ];
    if (values.json) {
      // Capabilities need the plugin itself: each compatible one is loaded (the text listing loads
      // nothing). `compatible` stays what package.json says; a plugin that then fails to load has
      // `capabilities: null` and says why in `loadError`.
      for (const [i, plugin] of plugins.entries()) {
        const row = rows[i]!;
        if (!plugin.compatible) {
          row.capabilities = null;
          continue;
        }
        const loaded = await loadPluginCapabilities(plugin);
        if ("capabilities" in loaded) row.capabilities = loaded.capabilities;
        else Object.assign(row, { capabilities: null, loadError: `${loaded.error.code}: ${loaded.error.message}` });
      }
      for (const row of rows.slice(plugins.length)) row.capabilities = null;
      ctx.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      ctx.stdout(`no orchestrator plugins found (${oneLine(installHint(searched))})\n`);
      return 0;
    }
    for (const row of rows) {
      const status = row.compatible ? "compatible" : `not usable: ${oneLine(row.error ?? "")}`;
      ctx.stdout(`${row.name ?? "?"}\t${row.package}@${row.version ?? "?"}\tAPI ${row.floeApiVersion ?? "?"}\t${status}\n`);
    }
    return 0;
  },
};
