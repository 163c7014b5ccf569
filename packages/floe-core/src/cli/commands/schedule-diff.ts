import { FloeError, isFloeError } from "../../errors.js";
import type { ScheduleCapability } from "../../orchestrator-plugin.js";
import { loadPlugin } from "../../plugin-registry.js";
import { diffSchedule, MAX_DIFF_COUNT } from "../../schedule/schedule-diff.js";
import { stringOption, wholeNumberOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { scheduleInput } from "./schedule-preview.js";

const usage = 'floe schedule diff "<cron>" --timezone <IANA> [--from <ISO-8601>] [--count N] [--days N] [--json]';

const options: Record<string, CommandOption> = {
  timezone: { type: "string", value: "<IANA>", description: "the zone the schedule runs in, e.g. Europe/Berlin", default: "required" },
  from: { type: "string", value: "<ISO-8601>", description: "search from this instant (with an offset)", default: "now" },
  count: { type: "string", value: "N", description: `stop after N divergences, 1 to ${MAX_DIFF_COUNT}`, default: "10" },
  days: { type: "string", value: "N", description: "search this many days ahead, 1 to 36600", default: "1827 (5 years)" },
  json: { type: "boolean", description: "print JSON instead of text", default: "off" },
};

/**
 * One side's schedule semantics from its installed plugin (loaded like for every command): both plugins
 * must be installed, else exit 2 with the one that is missing.
 */
async function scheduleSemantics(name: "dagster" | "airflow", cwd: string): Promise<ScheduleCapability> {
  let plugin;
  try {
    plugin = await loadPlugin(name, { cwd });
  } catch (error) {
    if (!isFloeError(error, "FLOE_PLUGIN_NOT_FOUND")) throw error;
    throw new FloeError(
      "FLOE_PLUGIN_NOT_FOUND",
      `floe schedule diff compares Dagster and Airflow and needs both plugins: no orchestrator plugin named "${name}" is installed`,
      {
        hint: `install floe-orchestrator-${name} next to floe-core (${error.hint ?? "floe plugins lists what is installed"})`,
      },
    );
  }
  if (!plugin.schedules) {
    throw new FloeError("FLOE_USAGE", `the installed ${name} plugin does not preview schedules, so floe schedule diff cannot compare it`, {
      hint: "floe plugins --json lists each plugin's capabilities",
    });
  }
  return plugin.schedules;
}

/** At most 6 instants on a line (a drifting hourly schedule differs at every tick of the window); --json has them all. */
function shown(list: string[]): string {
  if (list.length === 0) return "-";
  return list.length > 6 ? `${list.slice(0, 6).join(", ")} … (${list.length - 6} more)` : list.join(", ");
}

export const scheduleDiffCommand: Command = {
  path: ["schedule", "diff"],
  summary: "show where Dagster and Airflow fire a cron schedule differently in a zone (DST nights)",
  usage,
  options,
  async run(args, ctx) {
    const input = scheduleInput(args, options, usage, "--timezone");
    const { values, cron, timezone } = input;
    const from = input.from ?? new Date();
    const count = wholeNumberOption(stringOption(values, "count"), "--count", MAX_DIFF_COUNT);
    const days = wholeNumberOption(stringOption(values, "days"), "--days", 36_600) ?? 1827;
    const sides = { dagster: await scheduleSemantics("dagster", ctx.cwd), airflow: await scheduleSemantics("airflow", ctx.cwd) };
    const divergences = diffSchedule({ cron, timezone, from, days, ...(count ? { count } : {}) }, sides);
    if (values.json) {
      ctx.stdout(`${JSON.stringify({ cron, timezone, from: from.toISOString(), days, divergences }, null, 2)}\n`);
      return 0;
    }
    ctx.stdout(`# ${cron} in ${timezone}: where Dagster and Airflow differ, ${days} days from ${from.toISOString()}\n`);
    if (divergences.length === 0) {
      ctx.stdout("no difference: both orchestrators fire at the same instants\n");
      return 0;
    }
    for (const d of divergences) {
      ctx.stdout(`around the offset change at ${d.transition}:\n`);
      ctx.stdout(`  dagster only: ${shown(d.dagsterOnly.map((t) => t.local))}\n`);
      ctx.stdout(`  airflow only: ${shown(d.airflowOnly.map((t) => t.local))}\n`);
    }
    return 0;
  },
};
