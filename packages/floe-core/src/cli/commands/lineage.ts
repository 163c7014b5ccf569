import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import type { CompiledArtifacts } from "../../artifacts/compiled-artifacts.js";
import type { DatasetInput } from "../../contracts.js";
import { FloeError, oneLine } from "../../errors.js";
import { createLineageClient, resolveLineageSettings, type LineageSettings } from "../../lineage/emit-lineage.js";
import { DEFAULT_LINEAGE_ENDPOINT, parseHttpUrl } from "../../lineage/http-transport.js";
import { isUuid } from "../../lineage/uuid-v7.js";
import { quoteInput } from "../../redact.js";
import { parseCommandArgs, refuseExtraPositionals, stringListOption, stringOption, wholeNumberOption } from "../args.js";
import type { CliContext, Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";

const EMIT_USAGE =
  "floe lineage emit --type START|COMPLETE|FAIL --job <name> [--namespace <ns>] [--run-id <uuid>] [--input <ns>::<name>]... [--output <ns>::<name>]... [--url <url>] [--endpoint <path>] [--error-message <text>] [--artifacts <file>] [--gzip] [--timeout-ms <n>] [--retry-budget-ms <n>]";
const FLUSH_USAGE =
  "floe lineage flush [--url <url>] [--endpoint <path>] [--artifacts <file>] [--gzip] [--timeout-ms <n>] [--retry-budget-ms <n>]";

const EVENT_TYPES = ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"] as const;

const SHARED_OPTIONS: Record<string, CommandOption> = {
  url: {
    type: "string",
    value: "<url>",
    description: "the OpenLineage backend",
    default: "the artifacts' observability.lineage_endpoint, else events go to stderr (console transport)",
    env: "OPENLINEAGE_URL",
  },
  endpoint: {
    type: "string",
    value: "<path>",
    description: "the path under --url events are posted to",
    default: DEFAULT_LINEAGE_ENDPOINT,
    env: "OPENLINEAGE_ENDPOINT",
  },
  artifacts: { type: "string", value: "<file>", description: "CompiledArtifacts whose observability settings apply", default: "none" },
  gzip: { type: "boolean", description: "gzip request bodies", default: "off" },
  "timeout-ms": { type: "string", value: "<n>", description: "deadline of one delivery attempt, in milliseconds", default: "5000" },
  "retry-budget-ms": {
    type: "string",
    value: "<n>",
    description: "time to keep retrying before the event is spooled, in milliseconds",
    default: "15000",
  },
};

const LINEAGE_ENVIRONMENT: Record<string, string> = {
  OPENLINEAGE_API_KEY: "sent as a bearer token (never printed)",
  OPENLINEAGE_DISABLED: "true to send nothing",
  FLOE_LINEAGE_SPOOL_DIR: "where undelivered events wait (default $XDG_STATE_HOME/floe/lineage-spool or ~/.local/state/…)",
};

const EMIT_OPTIONS: Record<string, CommandOption> = {
  type: {
    type: "string",
    value: "START|COMPLETE|FAIL",
    description: `the event type (any of ${EVENT_TYPES.join(", ")})`,
    default: "required",
  },
  job: { type: "string", value: "<name>", description: "the job's name", default: "required" },
  namespace: {
    type: "string",
    value: "<ns>",
    description: "the job's namespace",
    default: "the artifacts' lineage_namespace, else default",
    env: "OPENLINEAGE_NAMESPACE",
  },
  "run-id": {
    type: "string",
    value: "<uuid>",
    description: "the run this event belongs to (pass the id a START printed)",
    default: "a new UUIDv7",
  },
  input: { type: "string", multiple: true, value: "<ns>::<name>", description: "an input dataset", default: "none" },
  output: { type: "string", multiple: true, value: "<ns>::<name>", description: "an output dataset", default: "none" },
  "error-message": { type: "string", value: "<text>", description: "the failure message of a FAIL event", default: "the job failed" },
  ...SHARED_OPTIONS,
};

/** `<namespace>::<name>`; the namespace may itself contain `:` (postgres://host:5432), so split on the last `::`. */
export function parseDatasetRef(value: string, field: string): DatasetInput {
  const at = value.lastIndexOf("::");
  const namespace = at < 0 ? "" : value.slice(0, at);
  const name = at < 0 ? "" : value.slice(at + 2);
  if (!namespace || !name) {
    throw new FloeError("FLOE_USAGE", `malformed dataset reference ${quoteInput(value)}`, {
      path: field,
      hint: "write <namespace>::<name>, e.g. duckdb://warehouse.duckdb::warehouse.main.orders",
    });
  }
  return { namespace, name };
}

function positiveInt(value: string | undefined, field: string): number | undefined {
  // Node timers hold at most 2^31-1 ms; a larger value would fire at once (with a warning on stderr).
  return wholeNumberOption(value, field, 2_147_483_647, { unit: "milliseconds", hint: "give milliseconds, e.g. 5000" });
}

async function settingsFrom(values: Record<string, unknown>, ctx: CliContext): Promise<LineageSettings> {
  const v = values as Parameters<typeof stringOption>[0];
  const url = stringOption(v, "url");
  if (url !== undefined) {
    try {
      parseHttpUrl(url, "--url");
    } catch (error) {
      const e = error as FloeError;
      throw new FloeError("FLOE_USAGE", e.message, { path: "--url", ...(e.hint ? { hint: e.hint } : {}) });
    }
  }
  let artifacts: CompiledArtifacts | undefined;
  const artifactsFile = stringOption(v, "artifacts");
  if (artifactsFile !== undefined) artifacts = parseArtifactsJson(await readInputFile(ctx.cwd, artifactsFile, "--artifacts")).artifacts;
  const overrides: LineageSettings = {};
  if (url !== undefined) overrides.url = url;
  const endpoint = stringOption(v, "endpoint");
  if (endpoint !== undefined) overrides.endpoint = endpoint;
  if (v.gzip === true) overrides.gzip = true;
  const timeoutMs = positiveInt(stringOption(v, "timeout-ms"), "--timeout-ms");
  if (timeoutMs !== undefined) overrides.timeoutMs = timeoutMs;
  const retryBudgetMs = positiveInt(stringOption(v, "retry-budget-ms"), "--retry-budget-ms");
  if (retryBudgetMs !== undefined) overrides.retryBudgetMs = retryBudgetMs;
  const settings = resolveLineageSettings({ overrides, env: ctx.env, ...(artifacts ? { artifacts } : {}) });
  if (settings.url !== undefined && url === undefined) {
    const source = ctx.env.OPENLINEAGE_URL ? "OPENLINEAGE_URL" : "observability.lineage_endpoint";
    try {
      parseHttpUrl(settings.url, source);
    } catch (error) {
      const e = error as FloeError;
      throw new FloeError("FLOE_USAGE", e.message, { path: source, ...(e.hint ? { hint: e.hint } : {}) });
    }
  }
  return settings;
}

export const lineageEmitCommand: Command = {
  path: ["lineage", "emit"],
  summary: "send one OpenLineage run event; prints the run id",
  usage: EMIT_USAGE,
  options: EMIT_OPTIONS,
  environment: LINEAGE_ENVIRONMENT,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, EMIT_OPTIONS, EMIT_USAGE);
    refuseExtraPositionals(positionals, 0, EMIT_USAGE);
    const type = stringOption(values, "type");
    if (type === undefined) throw new FloeError("FLOE_USAGE", "missing --type", { path: "--type", hint: "one of START, COMPLETE, FAIL" });
    const eventType = EVENT_TYPES.find((t) => t === type.toUpperCase());
    if (!eventType) {
      throw new FloeError("FLOE_USAGE", `unknown event type ${quoteInput(type)}`, {
        path: "--type",
        hint: `one of ${EVENT_TYPES.join(", ")}`,
      });
    }
    const job = stringOption(values, "job");
    if (!job) throw new FloeError("FLOE_USAGE", "missing --job", { path: "--job", hint: `usage: ${EMIT_USAGE}` });
    const runId = stringOption(values, "run-id");
    if (runId !== undefined && !isUuid(runId)) {
      throw new FloeError("FLOE_USAGE", `${quoteInput(runId)} is not a UUID`, {
        path: "--run-id",
        hint: "pass the run id a START event printed",
      });
    }
    const inputs = stringListOption(values, "input").map((ref, i) => parseDatasetRef(ref, `--input[${i}]`));
    const outputs = stringListOption(values, "output").map((ref, i) => parseDatasetRef(ref, `--output[${i}]`));
    const namespace = stringOption(values, "namespace");
    if (namespace === "") throw new FloeError("FLOE_USAGE", "empty namespace", { path: "--namespace", hint: "give a job namespace" });
    const settings = await settingsFrom(values, ctx);
    const client = createLineageClient(settings, { console: (line) => ctx.stderr(`${line}\n`) });
    try {
      const errorMessage = stringOption(values, "error-message");
      const result = await client.emit(eventType, job, inputs, outputs, {
        ...(runId ? { runId } : {}),
        ...(namespace ? { namespace } : {}),
        ...(eventType === "FAIL" ? { errorMessage: errorMessage ?? "the job failed" } : {}),
      });
      ctx.stdout(`${result.runId}\n`);
      if (result.status === "spooled") {
        ctx.stderr(
          `floe: lineage event spooled to ${settings.spoolDir} (${oneLine(result.reason ?? "not delivered")}); run \`floe lineage flush\` to redeliver\n`,
        );
      } else {
        ctx.stderr(`floe: lineage event ${result.status}\n`);
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};

export const lineageFlushCommand: Command = {
  path: ["lineage", "flush"],
  summary: "redeliver the lineage events kept in the spool",
  usage: FLUSH_USAGE,
  options: SHARED_OPTIONS,
  environment: LINEAGE_ENVIRONMENT,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, SHARED_OPTIONS, FLUSH_USAGE);
    refuseExtraPositionals(positionals, 0, FLUSH_USAGE);
    const settings = await settingsFrom(values, ctx);
    if (settings.disabled) {
      ctx.stderr("floe: lineage is disabled (OPENLINEAGE_DISABLED or observability.lineage); nothing flushed\n");
      ctx.stdout("delivered 0, kept 0\n");
      return 0;
    }
    const client = createLineageClient({ ...settings, transport: "http" });
    try {
      const report = await client.flush();
      ctx.stdout(`delivered ${report.delivered}, kept ${report.kept}\n`);
      if (report.skipped > 0) ctx.stderr(`floe: skipped ${report.skipped} torn or corrupt spool line(s)\n`);
      for (const name of report.ignored) ctx.stderr(`floe: warning: left ${quoteInput(name)} in the spool alone: not a regular file\n`);
      return report.kept > 0 ? 1 : 0;
    } finally {
      await client.close();
    }
  },
};
