import type { CompiledArtifacts, CompiledArtifactsInput } from "./artifacts/compiled-artifacts.js";
import type { PlanSummary } from "./plan/plan.js";
import type {
  DatasetInput,
  GeneratedFile,
  LineageEventType,
  ResourceSpec,
  TransformConfigInput,
  ValidationResult,
  WorkloadSize,
} from "./contracts.js";

/**
 * What `createDefinitions` returns: a typed, inspectable model of what the orchestrator will run,
 * which renders to files deterministically (same input, byte-identical output).
 */
export interface OrchestratorDefinitions<TModel = unknown> {
  /** The orchestrator the model is for, e.g. "dagster". */
  readonly orchestrator: string;
  /** The inspectable model (Dagster: assets, jobs, schedules…; Airflow: DAGs, tasks, edges). */
  readonly model: TModel;
  /** What the user should know about this output, one line each (e.g. artifacts without models); none when absent. */
  readonly warnings?: readonly string[];
  /** Renders the model to files, relative to the output directory. Pure and deterministic. */
  render(): GeneratedFile[];
  /**
   * What the output runs, for `floe generate --plan` (jobs, tasks/assets, schedules, lineage datasets);
   * floe stores it in `.floe-output.json`. Optional: without it a plan cannot compare this plugin's outputs.
   */
  planSummary?(): PlanSummary;
}

/** Where a lineage event went, and the run it belongs to. */
export interface LineageEmitResult {
  runId: string;
  /** "delivered", "spooled" (kept on disk for `floe lineage flush`), or "disabled". */
  status: "delivered" | "spooled" | "disabled" | "printed";
}

export interface EmitLineageOptions {
  runId?: string;
  namespace?: string;
  parent?: { namespace: string; name: string; runId: string };
  errorMessage?: string;
}

export interface ValidateConnectionOptions {
  /** The whole check's deadline in milliseconds, connect, TLS and every request included (at most the plugin's own). */
  deadlineMs?: number;
}

/**
 * The contract every orchestrator plugin implements. A plugin package declares its classes in
 * package.json under `"floe.orchestrators"`; floe-core discovers and imports them on demand.
 */
export abstract class OrchestratorPlugin {
  /** The orchestrator's name as users type it (`--orchestrator dagster`). */
  abstract readonly name: string;
  /** The plugin package's version. */
  abstract readonly version: string;
  /** The floe plugin API version ("MAJOR.MINOR") the plugin was built against. */
  abstract readonly floeApiVersion: string;

  /** Turns compiled artifacts into the orchestrator's definitions (see OrchestratorDefinitions). */
  abstract createDefinitions(artifacts: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions;

  /** One asset (Dagster) or task (Airflow) spec per transform, with dependencies from `depends_on`. */
  abstract createAssetsFromTransforms(transforms: ReadonlyArray<TransformConfigInput>): unknown[];

  /** Values for the plugin's Helm chart; they validate against its `values.schema.json`. */
  abstract getHelmValues(options?: { size?: WorkloadSize; artifacts?: CompiledArtifacts }): Record<string, unknown>;

  /**
   * Checks the orchestrator's server; resolves within 10 s whatever the server does, and never rejects.
   * `deadlineMs` shortens that budget for a caller that has already spent part of it (the CLI's start).
   */
  abstract validateConnection(options?: ValidateConnectionOptions): Promise<ValidationResult>;

  /** CPU/memory requests and limits per component for a workload size. */
  abstract getResourceRequirements(size: WorkloadSize): ResourceSpec;

  /** Sends an OpenLineage RunEvent (spec 2-0-2) to the configured backend. */
  abstract emitLineageEvent(
    eventType: LineageEventType,
    job: string,
    inputs: ReadonlyArray<DatasetInput>,
    outputs: ReadonlyArray<DatasetInput>,
    options?: EmitLineageOptions,
  ): Promise<LineageEmitResult>;

  /** Validates cron and IANA zone now; the schedule becomes part of the next `createDefinitions`. */
  abstract scheduleJob(jobName: string, cron: string, timezone: string): void;
}

const PLUGIN_MEMBERS = [
  "createDefinitions",
  "createAssetsFromTransforms",
  "getHelmValues",
  "validateConnection",
  "getResourceRequirements",
  "emitLineageEvent",
  "scheduleJob",
] as const;

/** Structural check (not instanceof: plugins may be built against another copy of floe-core). */
export function isOrchestratorPlugin(value: unknown): value is OrchestratorPlugin {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === "string" &&
    typeof candidate.version === "string" &&
    typeof candidate.floeApiVersion === "string" &&
    PLUGIN_MEMBERS.every((member) => typeof candidate[member] === "function")
  );
}

/** The constructor shape a `floe.orchestrators` entry must export. */
export type OrchestratorPluginClass = new (options?: Record<string, unknown>) => OrchestratorPlugin;

export function isOrchestratorPluginClass(value: unknown): value is OrchestratorPluginClass {
  if (typeof value !== "function" || !value.prototype) return false;
  const proto = value.prototype as Record<string, unknown>;
  return PLUGIN_MEMBERS.every((member) => typeof proto[member] === "function");
}

export type { GeneratedFile };
