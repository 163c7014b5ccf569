import { FloeError, oneLine } from "../../errors.js";
import { loadPlugin } from "../../plugin-registry.js";
import { redactUrl } from "../../redact.js";
import { parseCommandArgs, refuseExtraPositionals, stringOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";

/** Of the 10 s promise, what the command may spend from its process's start until the check returns. */
const COMMAND_BUDGET_MS = 9_500;

const usage = "floe validate-connection --orchestrator <name> [--url <url>] [--json]";

const options: Record<string, CommandOption> = {
  orchestrator: { type: "string", value: "<name>", description: "the plugin that checks its orchestrator", default: "required" },
  url: {
    type: "string",
    value: "<url>",
    description: "the orchestrator's URL",
    default: "http://localhost:3000 for dagster, http://localhost:8080 for airflow",
    env: "DAGSTER_URL (dagster), AIRFLOW_URL (airflow)",
  },
  json: { type: "boolean", description: "print JSON instead of text", default: "off" },
};

export function checkUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new FloeError("FLOE_USAGE", `${redactUrl(value)} is not a URL`, {
      path: "--url",
      hint: "pass the server's base URL, e.g. http://127.0.0.1:3000",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FloeError("FLOE_USAGE", `URL scheme ${parsed.protocol} is not http or https`, {
      path: "--url",
      hint: "use an http:// or https:// URL",
    });
  }
  return value;
}

export const validateConnectionCommand: Command = {
  path: ["validate-connection"],
  summary: "check that the orchestrator's server answers (exit 1 when it does not)",
  usage,
  options,
  environment: { AIRFLOW_USERNAME: "airflow: the user to log in as", AIRFLOW_PASSWORD: "airflow: that user's password (never printed)" },
  async run(args, ctx) {
    const started = Date.now();
    const { values, positionals } = parseCommandArgs(args, options, usage);
    refuseExtraPositionals(positionals, 0, usage);
    const orchestrator = stringOption(values, "orchestrator");
    if (!orchestrator) throw new FloeError("FLOE_USAGE", "missing --orchestrator", { path: "--orchestrator", hint: `usage: ${usage}` });
    const url = stringOption(values, "url");
    const checkedUrl = url === undefined ? undefined : checkUrl(url);
    const plugin = await loadPlugin(orchestrator, { cwd: ctx.cwd });
    if (!plugin.connection) {
      throw new FloeError("FLOE_USAGE", `the ${orchestrator} plugin cannot check a connection`, {
        path: "--orchestrator",
        hint: "floe plugins --json lists each plugin's capabilities",
      });
    }
    // The 10 s promise holds for the whole command: the check gets what is left after this process
    // started and loaded the plugin (a second or more on a loaded machine), less a margin to exit.
    const spentMs = Math.max(0, Date.now() - (ctx.startedAtMs ?? started));
    const deadlineMs = Math.max(1_000, Math.floor(COMMAND_BUDGET_MS - spentMs));
    const result = await plugin.connection.validate({ deadlineMs, ...(checkedUrl === undefined ? {} : { url: checkedUrl }) });
    if (values.json) {
      ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      ctx.stdout(`${result.success ? "ok" : "failed"}: ${oneLine(result.message)}\n`);
      for (const error of result.errors) ctx.stdout(`  error: ${oneLine(error)}\n`);
      for (const warning of result.warnings) ctx.stdout(`  warning: ${oneLine(warning)}\n`);
    }
    return result.success ? 0 : 1;
  },
};
