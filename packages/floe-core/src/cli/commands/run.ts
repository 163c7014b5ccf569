/** `floe run` and `floe run status`: run control through the orchestrator's API (the plugin's optional `runs`). */
import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import type { CompiledArtifacts } from "../../artifacts/compiled-artifacts.js";
import { FloeError } from "../../errors.js";
import { loadPlugin } from "../../plugin-registry.js";
import { redactUrl } from "../../redact.js";
import { hasRunControl, type ModelProgress, type RunControl, type RunStatus } from "../../runs/run-control.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional, stringOption, wholeNumberOption } from "../args.js";
import type { CliContext, Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";
import { checkUrl } from "./validate-connection.js";

const usage = "floe run <artifacts.json> --orchestrator <name> [--url <url>] [--job <name>] [--wait] [--timeout <seconds>] [--json]";
const statusUsage =
  "floe run status <run-id> --orchestrator <name> --job <id> [--url <url>] [--artifacts <file>] [--wait] [--timeout <seconds>] [--json]";

const url: CommandOption = {
  type: "string",
  value: "<url>",
  description: "the orchestrator's URL (Dagster webserver, Airflow API server)",
  default: "http://localhost:3000 for dagster, http://localhost:8080 for airflow",
  env: "DAGSTER_URL (dagster), AIRFLOW_URL (airflow)",
};
const common: Record<string, CommandOption> = {
  orchestrator: { type: "string", value: "<name>", description: "the plugin whose orchestrator runs the job", default: "required" },
  url,
  wait: {
    type: "boolean",
    description: "follow the run to its end: a line per model as it finishes; exit 1 when the run fails",
    default: "off",
  },
  timeout: {
    type: "string",
    value: "<seconds>",
    description: "with --wait, give up following after this long (exit 1; the run goes on)",
    default: "no limit",
  },
  json: {
    type: "boolean",
    description: "JSON lines (one document per event) instead of text; also when stdout is not a terminal",
    default: "off",
  },
};
const runOptions: Record<string, CommandOption> = {
  ...common,
  job: {
    type: "string",
    value: "<name>",
    description: "the floe job (product name or an orchestration job) or the orchestrator's job/DAG id",
    default: "the product's job (every model)",
  },
};
const statusOptions: Record<string, CommandOption> = {
  ...common,
  job: {
    type: "string",
    value: "<id>",
    description: "the job the run belongs to, as floe run printed it (Dagster job name, Airflow dag_id)",
    default: "required",
  },
  artifacts: {
    type: "string",
    value: "<file>",
    description: "the artifacts the job was generated from, to name models instead of task ids/asset keys",
    default: "none",
  },
};
const environment = {
  AIRFLOW_API_TOKEN: "airflow: a bearer token for the REST API (never printed)",
  AIRFLOW_USERNAME: "airflow: the user to get a token for from /auth/token when no token is set",
  AIRFLOW_PASSWORD: "airflow: that user's password (never printed)",
  DAGSTER_CLOUD_API_TOKEN: "dagster: an API token sent as Dagster-Cloud-Api-Token (never printed)",
};

/** --timeout in seconds (at most a week), as milliseconds. */
function parseTimeout(value: string | undefined): number | undefined {
  const seconds = wholeNumberOption(value, "--timeout", 7 * 24 * 3600, { unit: "seconds", hint: "e.g. --timeout 3600" });
  return seconds === undefined ? undefined : seconds * 1000;
}

async function runControl(
  values: Record<string, unknown>,
  ctx: CliContext,
  usageLine: string,
): Promise<{ runs: RunControl; orchestrator: string; shownUrl: string }> {
  const orchestrator = stringOption(values as never, "orchestrator");
  if (!orchestrator) throw new FloeError("FLOE_USAGE", "missing --orchestrator", { path: "--orchestrator", hint: `usage: ${usageLine}` });
  const given = stringOption(values as never, "url");
  const plugin = await loadPlugin(orchestrator, { cwd: ctx.cwd, options: given === undefined ? {} : { url: checkUrl(given) } });
  if (!hasRunControl(plugin)) {
    throw new FloeError("FLOE_NOT_IMPLEMENTED", `the ${orchestrator} plugin has no run control (no runs capability)`, {
      path: "--orchestrator",
      hint: "use a plugin that supports floe run (dagster, airflow)",
    });
  }
  const envUrl = orchestrator === "airflow" ? ctx.env.AIRFLOW_URL : orchestrator === "dagster" ? ctx.env.DAGSTER_URL : undefined;
  return { runs: plugin.runs, orchestrator, shownUrl: redactUrl(given ?? envUrl ?? "the default URL") };
}

/** Text on a terminal, JSON lines otherwise. */
function printer(ctx: CliContext, json: boolean) {
  return {
    json,
    event(event: Record<string, unknown>, text: string): void {
      ctx.stdout(json ? `${JSON.stringify(event)}\n` : `${text}\n`);
    },
  };
}

function modelLine(p: ModelProgress): string {
  const mark = p.state === "success" ? "ok  " : p.state === "failed" ? "FAIL" : "skip";
  return `  ${mark} ${p.model} (${p.state})`;
}

function finished(out: ReturnType<typeof printer>, status: RunStatus): number {
  const failed = status.models.filter((m) => m.state === "failed").map((m) => m.model);
  out.event(
    { event: "finished", runId: status.runId, job: status.job, state: status.state, models: status.models },
    `run ${status.runId} of ${status.job}: ${status.state}${failed.length ? ` (failed: ${failed.join(", ")})` : ""}`,
  );
  return status.state === "success" ? 0 : 1;
}

async function follow(
  runs: RunControl,
  request: { runId: string; job: string; artifacts?: CompiledArtifacts },
  out: ReturnType<typeof printer>,
  timeoutMs: number | undefined,
): Promise<number> {
  const status = await runs.wait(request, {
    onModel: (p, s) => out.event({ event: "model", runId: s.runId, job: s.job, model: p.model, state: p.state }, modelLine(p)),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return finished(out, status);
}

export const runCommand: Command = {
  path: ["run"],
  summary: "trigger a run of a generated job through the orchestrator's API (--wait: follow it; exit 1 when it fails)",
  usage,
  options: runOptions,
  environment,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, runOptions, usage);
    const file = requirePositional(positionals, 0, "<artifacts.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    const timeoutMs = parseTimeout(stringOption(values, "timeout"));
    const { artifacts } = parseArtifactsJson(await readInputFile(ctx.cwd, file, "<artifacts.json>"));
    const { runs, orchestrator, shownUrl } = await runControl(values, ctx, usage);
    const out = printer(ctx, values.json === true || ctx.stdoutIsTTY !== true);
    const job = stringOption(values, "job");
    const handle = await runs.trigger({ artifacts, ...(job === undefined ? {} : { job }) });
    out.event(
      { event: "started", orchestrator, runId: handle.runId, job: handle.job },
      `started run ${handle.runId} of ${handle.job} on ${orchestrator} at ${shownUrl}`,
    );
    if (values.wait !== true) return 0;
    return follow(runs, { ...handle, artifacts }, out, timeoutMs);
  },
};

export const runStatusCommand: Command = {
  path: ["run", "status"],
  summary: "print the state of a run and of each model in it (--wait: follow it to the end)",
  usage: statusUsage,
  options: statusOptions,
  environment,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, statusOptions, statusUsage);
    const runId = requirePositional(positionals, 0, "<run-id>", statusUsage);
    refuseExtraPositionals(positionals, 1, statusUsage);
    const job = stringOption(values, "job");
    if (!job)
      throw new FloeError("FLOE_USAGE", "missing --job", { path: "--job", hint: "the job/DAG id floe run printed with the run id" });
    const timeoutMs = parseTimeout(stringOption(values, "timeout"));
    const file = stringOption(values, "artifacts");
    const artifacts = file === undefined ? undefined : parseArtifactsJson(await readInputFile(ctx.cwd, file, "--artifacts")).artifacts;
    const { runs } = await runControl(values, ctx, statusUsage);
    const out = printer(ctx, values.json === true || ctx.stdoutIsTTY !== true);
    const request = { runId, job, ...(artifacts ? { artifacts } : {}) };
    if (values.wait === true) return follow(runs, request, out, timeoutMs);
    const status = await runs.status(request);
    out.event(
      { event: "status", runId: status.runId, job: status.job, state: status.state, models: status.models },
      [`run ${status.runId} of ${status.job}: ${status.state}`, ...status.models.map((m) => `  ${m.model}: ${m.state}`)].join("\n"),
    );
    return status.state === "failed" || status.state === "canceled" ? 1 : 0;
  },
};
