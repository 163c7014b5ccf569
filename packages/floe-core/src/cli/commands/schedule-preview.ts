import { FloeError } from "../../errors.js";
import { parseIsoInstant } from "../../iso-instant.js";
import { quoteInput } from "../../redact.js";
import { loadPlugin } from "../../plugin-registry.js";
import { MAX_PREVIEW_COUNT } from "../../schedule/preview.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional, stringOption, wholeNumberOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";

const usage = 'floe schedule preview "<cron>" --timezone <IANA> [--from <ISO-8601>] [--count N] [--orchestrator dagster|airflow] [--json]';

const options: Record<string, CommandOption> = {
  timezone: { type: "string", value: "<IANA>", description: "the zone the schedule runs in, e.g. Europe/Berlin", default: "required" },
  from: { type: "string", value: "<ISO-8601>", description: "list fire times at or after this instant (with an offset)", default: "now" },
  count: { type: "string", value: "N", description: `how many fire times, 1 to ${MAX_PREVIEW_COUNT}`, default: "10" },
  orchestrator: {
    type: "string",
    value: "dagster|airflow",
    description: "whose cron and DST rules to follow: the installed plugin of that name computes them",
    default: "dagster",
  },
  json: { type: "boolean", description: "print JSON instead of text", default: "off" },
};

export function parseFrom(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  // An instant needs an offset: a bare local time would be read in this machine's zone.
  const parsed = parseIsoInstant(value);
  if (parsed === undefined) {
    throw new FloeError("FLOE_USAGE", `${quoteInput(value)} is not an ISO-8601 instant with an offset on a real calendar date`, {
      path: "--from",
      hint: "e.g. --from 2025-03-08T12:00:00Z or --from 2025-03-08T07:00:00-05:00",
    });
  }
  return parsed;
}

/**
 * What both schedule commands read first, in this order: the cron positional (exactly one), --timezone
 * (required; `timezonePath` is the field its absence is reported at) and --from.
 */
export function scheduleInput(args: string[], options: Record<string, CommandOption>, usage: string, timezonePath: string) {
  const { values, positionals } = parseCommandArgs(args, options, usage);
  const cron = requirePositional(positionals, 0, "cron", usage);
  refuseExtraPositionals(positionals, 1, usage);
  const timezone = stringOption(values, "timezone");
  if (timezone === undefined) throw new FloeError("FLOE_USAGE", "missing --timezone", { path: timezonePath, hint: `usage: ${usage}` });
  return { values, cron, timezone, from: parseFrom(stringOption(values, "from")) };
}

export const schedulePreviewCommand: Command = {
  path: ["schedule", "preview"],
  summary: "print the next fire times of a cron schedule in a time zone",
  usage,
  options,
  async run(args, ctx) {
    const { values, cron, timezone, from } = scheduleInput(args, options, usage, "timezone");
    const orchestrator = stringOption(values, "orchestrator") ?? "dagster";
    const count = wholeNumberOption(stringOption(values, "count"), "--count", MAX_PREVIEW_COUNT);
    // The orchestrator's schedule semantics live in its plugin, loaded like for every other command.
    const plugin = await loadPlugin(orchestrator, { cwd: ctx.cwd });
    if (!plugin.schedules) {
      throw new FloeError("FLOE_USAGE", `the ${orchestrator} plugin does not preview schedules`, {
        path: "--orchestrator",
        hint: "floe plugins --json lists each plugin's capabilities",
      });
    }
    const times = plugin.schedules.preview({ cron, timezone, ...(from ? { from } : {}), ...(count ? { count } : {}) });
    if (values.json) {
      ctx.stdout(
        `${JSON.stringify(
          times.map((t) => t.local),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const width = Math.max(...times.map((t) => t.local.length));
    ctx.stdout(`# ${cron} in ${timezone}, ${orchestrator} semantics\n`);
    for (const t of times) ctx.stdout(`${t.local.padEnd(width)}  ${t.utc}\n`);
    return 0;
  },
};
