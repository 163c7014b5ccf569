/**
 * Run control: the optional `runs` capability of an orchestrator plugin (trigger a run of a generated
 * job through the orchestrator's API, read its state, follow it to the end), and what both plugins
 * share: the polling loop that reports each model once as it finishes, and JSON requests whose
 * failures become one-line errors that never quote a credential.
 */
import { FloeError, isFloeError, oneLine } from "../errors.js";
import { describeHttpStatus, describeProbeFailure, type ConnectionTarget } from "../http/connection-messages.js";
import { probeHttp } from "../http/http-probe.js";
import { shortInput } from "../redact.js";
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import type { RunsCapability } from "../orchestrator-plugin.js";

/** A run's state, the same words for every orchestrator. */
export type RunState = "queued" | "running" | "success" | "failed" | "canceled";
/** A model's state within a run. `pending`/`running` are not final; the others are. */
export type ModelRunState = "pending" | "running" | "success" | "failed" | "skipped" | "upstream_failed";

export const TERMINAL_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>(["success", "failed", "canceled"]);
export const TERMINAL_MODEL_STATES: ReadonlySet<ModelRunState> = new Set<ModelRunState>([
  "success",
  "failed",
  "skipped",
  "upstream_failed",
]);

export interface ModelProgress {
  /** The dbt model name (the orchestrator's task id or asset key when the artifacts do not name it). */
  model: string;
  state: ModelRunState;
}

export interface RunHandle {
  /** The orchestrator's run id. */
  runId: string;
  /** The orchestrator's job id: the Dagster job name or the Airflow dag_id. */
  job: string;
}

export interface RunStatus extends RunHandle {
  state: RunState;
  /** Every model the run covers that the orchestrator reports on, in a stable order. */
  models: ModelProgress[];
}

export interface TriggerRunRequest {
  artifacts: CompiledArtifacts;
  /** The floe job name (orchestration.jobs, or the product for every model); the product's default job when absent. */
  job?: string;
}

export interface RunStatusRequest extends RunHandle {
  /** The artifacts the run's code was generated from, to name models instead of task ids/asset keys. */
  artifacts?: CompiledArtifacts;
}

export interface WaitOptions {
  /** Called once per model when it reaches a final state, in the order floe saw them. */
  onModel?: (progress: ModelProgress, status: RunStatus) => void;
  /** Between two polls (default 2,000 ms). */
  pollMs?: number;
  /** Give up after this long (default: no limit) with FLOE_RUN_TIMEOUT (exit 1). */
  timeoutMs?: number;
}

/** The optional `runs` member of an orchestrator plugin: the contract's RunsCapability (orchestrator-plugin.ts). */
export type RunControl = RunsCapability;

/** True when `value` offers the `runs` capability (structurally: plugins may use another copy of floe-core). */
export function hasRunControl(plugin: unknown): plugin is { runs: RunsCapability } {
  const runs = (plugin as { runs?: Record<string, unknown> } | null)?.runs;
  return typeof runs === "object" && runs !== null && ["trigger", "status", "wait"].every((m) => typeof runs[m] === "function");
}

/**
 * The polling loop both plugins use for `runs.wait`: reports each model once when it reaches a final
 * state; at the end of the run, models still pending are reported with the state the plugin gave them.
 */
/** Consecutive failed polls (transport failures, 5xx) `waitForRun` rides out before it gives up. */
export const MAX_POLL_FAILURES = 5;

export async function waitForRun(poll: () => Promise<RunStatus>, options: WaitOptions = {}): Promise<RunStatus> {
  const pollMs = options.pollMs ?? 2_000;
  const started = Date.now();
  const reported = new Set<string>();
  let failures = 0;
  for (;;) {
    let status: RunStatus;
    try {
      status = await poll();
      failures = 0;
    } catch (error) {
      // A busy server that misses one poll does not end the follow; five in a row do.
      if (!isFloeError(error, "FLOE_CONNECTION_FAILED") || ++failures >= MAX_POLL_FAILURES) throw error;
      await new Promise((r) => setTimeout(r, pollMs * failures));
      continue;
    }
    for (const progress of status.models) {
      if (!reported.has(progress.model) && TERMINAL_MODEL_STATES.has(progress.state)) {
        reported.add(progress.model);
        options.onModel?.(progress, status);
      }
    }
    if (TERMINAL_RUN_STATES.has(status.state)) return status;
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new FloeError(
        "FLOE_RUN_TIMEOUT",
        `run ${status.runId} of ${status.job} is still ${status.state} after ${Math.round(options.timeoutMs / 1000)} s`,
        {
          hint: "it keeps running on the server; follow it with floe run status",
        },
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface JsonRequest {
  method?: "GET" | "POST" | "PATCH";
  /** Sent as is: may hold a credential, so it is never echoed. */
  headers?: Record<string, string>;
  body?: unknown;
  deadlineMs?: number;
}

export interface JsonAnswer {
  status: number;
  json: unknown;
}

/**
 * One JSON request to an orchestrator API. Transport failures (refused, DNS, timeout…) become a
 * FLOE_CONNECTION_FAILED error (exit 1) naming the server without credentials; any HTTP status comes back
 * to the caller, who knows what a 404 means for its request.
 */
export async function requestJson(url: string, target: ConnectionTarget, request: JsonRequest = {}): Promise<JsonAnswer> {
  const result = await probeHttp(url, {
    method: request.method ?? "GET",
    headers: {
      accept: "application/json",
      ...(request.body === undefined ? {} : { "content-type": "application/json" }),
      ...request.headers,
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    deadlineMs: request.deadlineMs ?? 60_000,
    maxBytes: 16 * 1024 * 1024,
  });
  if (!result.ok) {
    const problem = describeProbeFailure(result, target);
    throw new FloeError("FLOE_CONNECTION_FAILED", problem.message, { hint: problem.hint });
  }
  let json: unknown;
  try {
    json = result.body === "" ? null : JSON.parse(result.body);
  } catch {
    json = undefined;
  }
  return { status: result.status, json };
}

/** The error for an HTTP status the caller has no better words for (401 and 403 included). */
export function httpStatusError(status: number, target: ConnectionTarget, what: string): FloeError {
  const problem = describeHttpStatus(status, target);
  return new FloeError("FLOE_CONNECTION_FAILED", `${what}: ${problem.message}`, { hint: problem.hint });
}

/** A message from a server, safe for one line of output: cut, control characters escaped. */
export function serverMessage(value: unknown): string {
  return typeof value === "string" ? shortInput(oneLine(value), 200) : "no message";
}

/** A generated job: its floe name (the product, or an orchestration.jobs name) and the orchestrator's id for it. */
export interface RunnableJob {
  floeName: string;
  id: string;
  isDefault: boolean;
}

/**
 * The job `requested` names (its floe name or the orchestrator's id), else the default job. A name the
 * artifacts do not define is bad input (exit 2 at --job), checked before any request.
 */
export function pickRunnableJob(jobs: ReadonlyArray<RunnableJob>, requested: string | undefined): RunnableJob {
  if (jobs.length === 0) {
    throw new FloeError("FLOE_USAGE", "the artifacts define no job to run: the product has no models", {
      path: "<artifacts.json>",
      hint: "compile the product with at least one dbt model",
    });
  }
  if (requested === undefined) return jobs.find((j) => j.isDefault) ?? (jobs[0] as RunnableJob);
  const found = jobs.find((j) => j.floeName === requested) ?? jobs.find((j) => j.id === requested);
  if (found) return found;
  throw new FloeError("FLOE_USAGE", `the artifacts define no job ${JSON.stringify(shortInput(requested, 80))}`, {
    path: "options.job",
    hint: `use one of ${jobs
      .map((j) => j.floeName)
      .slice(0, 20)
      .join(", ")}`,
  });
}
