/**
 * The entry point both plugins' emitLineageEvent and `floe lineage emit` use: settings resolution
 * (overrides, then OPENLINEAGE_* variables, then the artifacts), and a client that builds the event,
 * delivers it (http, console or noop) and spools what it cannot deliver.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import type { DatasetInput, LineageEventType } from "../contracts.js";
import { FloeError } from "../errors.js";
import type { EmitLineageOptions, LineageEmitResult } from "../orchestrator-plugin.js";
import { HttpTransport, parseHttpUrl, type HttpTransportOptions } from "./http-transport.js";
import { buildRunEvent, type BuildRunEventInput, type RunEvent } from "./run-event.js";
import { defaultSpoolDir, flushSpool, SpoolWriter, type FlushReport } from "./spool.js";
import { isUuid } from "./uuid-v7.js";

export interface LineageSettings {
  /** Backend base URL; events go to `<url>/api/v1/lineage`. */
  url?: string;
  /** Path joined to `url` instead of `api/v1/lineage` (or a full http(s) URL). */
  endpoint?: string;
  /** Sent as `Authorization: Bearer …`; never logged or written. */
  apiKey?: string;
  transport?: "http" | "console" | "noop";
  /** Job namespace (defaults to the artifacts' lineage_namespace, else "default"). */
  namespace?: string;
  disabled?: boolean;
  spoolDir?: string;
  /** gzip request bodies. */
  gzip?: boolean;
  /** Deadline of one request (ms). */
  timeoutMs?: number;
  /** Total time an event may be retried before it is spooled (ms). */
  retryBudgetMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as Partial<T>;
}

/** Settings from explicit overrides, then OPENLINEAGE_* environment variables, then the artifacts. */
export function resolveLineageSettings(input: {
  overrides?: LineageSettings;
  env?: NodeJS.ProcessEnv;
  artifacts?: CompiledArtifacts;
}): LineageSettings {
  const env = input.env ?? process.env;
  const observability = input.artifacts?.observability;
  const fromArtifacts = defined<LineageSettings>({
    url: observability?.lineage_endpoint ?? undefined,
    namespace: observability?.lineage_namespace ?? undefined,
    transport: observability?.lineage_transport ?? undefined,
    disabled: observability ? observability.lineage === false : undefined,
  });
  const disabledVar = env.OPENLINEAGE_DISABLED?.trim().toLowerCase();
  const fromEnv = defined<LineageSettings>({
    url: env.OPENLINEAGE_URL,
    endpoint: env.OPENLINEAGE_ENDPOINT,
    apiKey: env.OPENLINEAGE_API_KEY,
    namespace: env.OPENLINEAGE_NAMESPACE,
    disabled: disabledVar === undefined || disabledVar === "" ? undefined : TRUE_WORDS.has(disabledVar),
    spoolDir: env.FLOE_LINEAGE_SPOOL_DIR,
  });
  const merged: LineageSettings = { ...fromArtifacts, ...fromEnv, ...defined(input.overrides ?? {}) };
  // A URL given explicitly (flag or OPENLINEAGE_URL) means HTTP even when the artifacts said console.
  if (!input.overrides?.transport && (input.overrides?.url || fromEnv.url)) merged.transport = "http";
  merged.transport ??= merged.url ? "http" : "console";
  merged.namespace ??= "default";
  merged.disabled ??= false;
  merged.spoolDir ??= defaultSpoolDir(env);
  return merged;
}

export interface EmitLineageCallOptions extends EmitLineageOptions {
  /** Job type facet values (default integration FLOE, jobType JOB). */
  jobType?: BuildRunEventInput["jobType"];
  nominalTime?: BuildRunEventInput["nominalTime"];
  eventTime?: Date;
  /** Reuse a client (keep-alive, one spool file) across many events. */
  client?: LineageClient;
}

/** Sends one RunEvent with a short-lived client (or `options.client`). Never throws for delivery failures. */
export async function emitLineage(
  settings: LineageSettings,
  eventType: LineageEventType,
  job: string,
  inputs: ReadonlyArray<DatasetInput>,
  outputs: ReadonlyArray<DatasetInput>,
  options: EmitLineageCallOptions = {},
): Promise<LineageEmitResult> {
  const client = options.client ?? createLineageClient(settings);
  try {
    return await client.emit(eventType, job, inputs, outputs, options);
  } finally {
    if (!options.client) await client.close();
  }
}

export interface LineageClient {
  readonly settings: LineageSettings;
  emit(
    eventType: LineageEventType,
    job: string,
    inputs: ReadonlyArray<DatasetInput>,
    outputs: ReadonlyArray<DatasetInput>,
    options?: EmitLineageCallOptions,
  ): Promise<LineageEmitResult & { reason?: string }>;
  /** Sends an already built event (delivered, else spooled). */
  send(event: RunEvent): Promise<LineageEmitResult & { reason?: string }>;
  /** Redelivers the spool; keeps what the backend does not acknowledge. */
  flush(): Promise<FlushReport>;
  close(): Promise<void>;
}

/** Validates settings and builds a reusable client. Bad URLs and run ids are FLOE_CONFIG_INVALID (exit 2). */
export function createLineageClient(settings: LineageSettings, io: { console?: (line: string) => void } = {}): LineageClient {
  const transport = settings.transport ?? (settings.url ? "http" : "console");
  let http: HttpTransport | undefined;
  if (!settings.disabled && transport === "http") {
    if (!settings.url) {
      throw new FloeError("FLOE_CONFIG_INVALID", "the http lineage transport needs a URL", {
        path: "url",
        hint: "pass --url, set OPENLINEAGE_URL, or set observability.lineage_endpoint in the artifacts",
      });
    }
    parseHttpUrl(settings.url, "url");
    const options: HttpTransportOptions = { url: settings.url };
    if (settings.endpoint) options.endpoint = settings.endpoint;
    if (settings.apiKey) options.apiKey = settings.apiKey;
    if (settings.gzip !== undefined) options.gzip = settings.gzip;
    if (settings.timeoutMs !== undefined) options.timeoutMs = settings.timeoutMs;
    if (settings.retryBudgetMs !== undefined) options.retryBudgetMs = settings.retryBudgetMs;
    if (settings.concurrency !== undefined) options.concurrency = settings.concurrency;
    http = new HttpTransport(options);
  }
  const spoolDir = settings.spoolDir ?? defaultSpoolDir();
  const spool = new SpoolWriter(spoolDir);
  const print = io.console ?? ((line: string) => process.stderr.write(`${line}\n`));

  async function send(event: RunEvent): Promise<LineageEmitResult & { reason?: string }> {
    const runId = event.run.runId;
    if (settings.disabled || transport === "noop") return { runId, status: "disabled" };
    const json = JSON.stringify(event);
    if (transport === "console") {
      print(json);
      return { runId, status: "printed" };
    }
    const result = await http!.send(json);
    if (result.ok) return { runId, status: "delivered" };
    spool.append(json);
    return { runId, status: "spooled", reason: result.reason };
  }

  return {
    settings,
    send,
    async emit(eventType, job, inputs, outputs, options = {}) {
      if (options.runId !== undefined && !isUuid(options.runId)) {
        throw new FloeError("FLOE_CONFIG_INVALID", "not a UUID", {
          path: "runId",
          hint: "use a UUID such as the one a START event printed",
        });
      }
      if (options.parent && !isUuid(options.parent.runId)) {
        throw new FloeError("FLOE_CONFIG_INVALID", "not a UUID", { path: "parent.runId", hint: "the parent run id must be a UUID" });
      }
      const event = buildRunEvent({
        eventType,
        job: { namespace: options.namespace ?? settings.namespace ?? "default", name: job },
        inputs,
        outputs,
        ...(options.runId ? { runId: options.runId.toLowerCase() } : {}),
        ...(options.parent ? { parent: options.parent } : {}),
        ...(options.errorMessage !== undefined ? { errorMessage: options.errorMessage } : {}),
        ...(options.jobType ? { jobType: options.jobType } : {}),
        ...(options.nominalTime ? { nominalTime: options.nominalTime } : {}),
        ...(options.eventTime ? { eventTime: options.eventTime } : {}),
      });
      return send(event);
    },
    async flush() {
      if (!http) {
        throw new FloeError("FLOE_CONFIG_INVALID", "flushing the spool needs the http transport and a URL", {
          path: "url",
          hint: "pass --url or set OPENLINEAGE_URL",
        });
      }
      spool.close();
      // Once the backend has failed one event past its retry budget, keep the rest without trying:
      // a flush against a backend that is down ends in one budget, not one budget per event.
      let backendDown = false;
      return flushSpool(
        spoolDir,
        async (json) => {
          if (backendDown) return false;
          const result = await http!.send(json);
          if (!result.ok && result.retryable) backendDown = true;
          return result.ok;
        },
        { concurrency: settings.concurrency ?? 8 },
      );
    },
    async close() {
      spool.close();
      await http?.close();
    },
  };
}
