import { stringify } from "yaml";
import { z } from "zod";
import type { CompiledArtifacts, CompiledArtifactsInput } from "./artifacts/compiled-artifacts.js";
import { zodToFloeError, type ValidatedArtifacts } from "./artifacts/parse-artifacts.js";
import type { PlanSummary } from "./plan/plan.js";
import type { ProductInput } from "./products/products.js";
import type { RunHandle, RunStatus, RunStatusRequest, TriggerRunRequest, WaitOptions } from "./runs/run-control.js";
import type {
  DatasetInput,
  GeneratedFile,
  LineageEventType,
  ResourceSpec,
  TransformConfigInput,
  ValidationResult,
  WorkloadSize,
} from "./contracts.js";
import { hasRunControl } from "./runs/run-control.js";
import type { FireTime, SchedulePreviewOptions } from "./schedule/preview.js";
import type { ValidSchedule } from "./schedule/validate-schedule.js";

// ---------------------------------------------------------------------------------------------
// The contract (floe plugin API 1.2): one required operation, optional capabilities.
// ---------------------------------------------------------------------------------------------

/** What `generate` takes besides the artifacts; validated once, by parseGenerateOptions. */
export const GenerateOptionsSchema = z
  .object({
    dbtProjectDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "the dbt project the generated code runs, as the generated files name it: relative to them (the CLI records --dbt-project so), or absolute",
      ),
    pluginOptions: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "the plugin's own options for this output (e.g. Airflow's executionMode), over its constructor options; the plugin checks them with its option schema",
      ),
  })
  .strict();

export type GenerateOptions = z.infer<typeof GenerateOptionsSchema>;

/** Checks `generate` options; throws FLOE_CONFIG_INVALID at `options.<field>`. */
export function parseGenerateOptions(options: unknown = {}): GenerateOptions {
  const parsed = GenerateOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw zodToFloeError(parsed.error, "FLOE_CONFIG_INVALID", "generate options", ["options"], "see GenerateOptionsSchema");
  return parsed.data;
}

/**
 * Checks a plugin's own options against its zod schema (constructor options, or `pluginOptions` merged
 * over them): FLOE_CONFIG_INVALID at `options.<field>`, the hint naming the schema (`schemaName`).
 */
export function parsePluginOptions<T extends z.ZodType>(schema: T, value: unknown, schemaName: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw zodToFloeError(parsed.error, "FLOE_CONFIG_INVALID", "plugin options", ["options"], `see ${schemaName} for the accepted options`);
  return parsed.data;
}

/** What `generate` returns: every file of the output (`values.yaml` included) and what the user should know. */
export interface GenerateResult {
  /** Paths relative to the output directory; the CLI writes exactly these (plus a bundled dbt project). */
  files: GeneratedFile[];
  /** One line each (e.g. artifacts without models); empty when there is nothing to say. */
  warnings: string[];
  /**
   * What the output runs (jobs, tasks/assets, schedules, lineage datasets), for `floe generate --plan`;
   * floe stores it in `.floe-output.json`. Optional: without it a plan cannot compare this plugin's outputs.
   */
  plan?: PlanSummary;
}

export interface HelmValuesOptions {
  size?: WorkloadSize;
  artifacts?: CompiledArtifacts;
}

/** Capability `connection`: checks the orchestrator's server. */
export interface ConnectionCapability {
  /**
   * Resolves within 10 s whatever the server does (`deadlineMs` shortens that), and never rejects.
   * `url` overrides the plugin's configured/env URL.
   */
  validate(options?: ConnectionCheckOptions): Promise<ValidationResult>;
}

export interface ConnectionCheckOptions extends ValidateConnectionOptions {
  url?: string;
}

/** Capability `schedules`: the orchestrator's own cron rules and tick semantics (DST, gaps, repeats). */
export interface ScheduleCapability {
  /** floe-core's neutral check plus the orchestrator's own refusals (FLOE_SCHEDULE_INVALID at `cron`, FLOE_TIMEZONE_INVALID at `timezone`). */
  validate(cron: string, timezone: string): ValidSchedule;
  /** Fire times at or after `from`, as the orchestrator computes them. */
  preview(options: SchedulePreviewOptions): FireTime[];
}

/**
 * Capability `runs`: run control through the orchestrator's API (`floe run`, `floe run status`):
 * trigger a run of a generated job, read its state, follow it to the end.
 */
export interface RunsCapability {
  trigger(request: TriggerRunRequest): Promise<RunHandle>;
  status(request: RunStatusRequest): Promise<RunStatus>;
  /** Polls `status` until the run ends; resolves with the final status whatever it is (failed too). */
  wait(request: RunStatusRequest, options?: WaitOptions): Promise<RunStatus>;
}

/**
 * Capability `products` (API 1.2): several products in one deployment (`floe generate a.json b.json …`).
 * Without it the CLI refuses several artifacts files for the plugin (exit 2); one file always goes
 * through the plugin's `generate`.
 */
export interface ProductsCapability {
  /**
   * Every file of one output running all `products` (two or more, distinct names, their
   * `orchestration.consumes` resolvable among them: see floe-core's `checkProducts`), deterministically.
   * Ids that would collide across products are refused with FLOE_ARTIFACTS_INVALID, not renamed.
   * `options.dbtProjectDir` is not used: each product names its own project. The plan summary (when
   * given) covers every product.
   */
  generate(products: ReadonlyArray<ProductInput>, options?: Omit<GenerateOptions, "dbtProjectDir">): GenerateResult;
}

/** The names `floe plugins --json` reports under `capabilities`, in this order. */
export const PLUGIN_CAPABILITIES = ["helmValues", "connection", "schedules", "runs", "products"] as const;
export type PluginCapability = (typeof PLUGIN_CAPABILITIES)[number];

/**
 * The contract every orchestrator plugin implements (floe plugin API 1.2; 1.1 without `products`). Only `generate` is
 * required; the rest are optional capabilities that commands use when present. A plugin package
 * declares its classes in package.json under `"floe.orchestrators"`; floe-core discovers and
 * constructs them on demand (no constructor arguments from the CLI).
 */
export interface FloeOrchestratorPlugin {
  /** The orchestrator's name as users type it (`--orchestrator dagster`). */
  readonly name: string;
  /** The plugin package's version. */
  readonly version: string;
  /** The floe plugin API version ("MAJOR.MINOR") the plugin was built against. */
  readonly floeApiVersion: string;
  /**
   * Turns validated artifacts into every file of the output, deterministically (same input,
   * byte-identical files). Schedules come from the artifacts only. Pure: no I/O, no plugin state.
   */
  generate(artifacts: ValidatedArtifacts, options?: GenerateOptions): GenerateResult;
  /** Values for the plugin's Helm chart (`floe helm-values`). */
  helmValues?(options?: HelmValuesOptions): Record<string, unknown>;
  /** `floe validate-connection`. */
  readonly connection?: ConnectionCapability;
  /** `floe schedule preview --orchestrator <name>`. */
  readonly schedules?: ScheduleCapability;
  /** Run control (`floe run`). */
  readonly runs?: RunsCapability;
  /** Several products in one output (API 1.2). */
  readonly products?: ProductsCapability;
}

/** Which optional capabilities a plugin object has. */
export function pluginCapabilities(plugin: FloeOrchestratorPlugin): PluginCapability[] {
  const has: Record<PluginCapability, boolean> = {
    helmValues: typeof plugin.helmValues === "function",
    connection: typeof plugin.connection?.validate === "function",
    schedules: typeof plugin.schedules?.validate === "function" && typeof plugin.schedules.preview === "function",
    runs: typeof plugin.runs?.trigger === "function" && typeof plugin.runs.status === "function" && typeof plugin.runs.wait === "function",
    products: typeof plugin.products?.generate === "function",
  };
  return PLUGIN_CAPABILITIES.filter((c) => has[c]);
}

/** `values.yaml` as every plugin writes it from its chart values (the one YAML form floe uses). */
export function helmValuesFile(values: Record<string, unknown>): GeneratedFile {
  return { path: "values.yaml", content: stringify(values, { sortMapEntries: false }) };
}

// ---------------------------------------------------------------------------------------------
// The seed's seven operations (API 1.0), kept for API users on the built-in plugins.
// ---------------------------------------------------------------------------------------------

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
 * The built-in plugins' base class: the contract (`generate` and the capabilities) plus the seed's
 * seven operations for API users. A third-party plugin only needs FloeOrchestratorPlugin.
 *
 * - `createDefinitions` gives the inspectable model and `render()`; `generate` is the same render
 *   plus `values.yaml`, which is what the CLI writes.
 * - `scheduleJob` is the legacy stateful form: it validates now and adds (Dagster) or replaces
 *   (Airflow) a job's schedule in later `createDefinitions` calls of this instance. `generate`
 *   ignores it: put schedules in the artifacts' `orchestration.schedules`.
 */
export abstract class OrchestratorPlugin implements FloeOrchestratorPlugin {
  /** The orchestrator's name as users type it (`--orchestrator dagster`). */
  abstract readonly name: string;
  /** The plugin package's version. */
  abstract readonly version: string;
  /** The floe plugin API version ("MAJOR.MINOR") the plugin was built against. */
  abstract readonly floeApiVersion: string;

  abstract generate(artifacts: ValidatedArtifacts, options?: GenerateOptions): GenerateResult;

  /** Turns compiled artifacts (validated unless they come from floe-core's parser) into the orchestrator's definitions (see OrchestratorDefinitions). */
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

  /** Legacy stateful form: validates cron and IANA zone now; the schedule becomes part of the next `createDefinitions` (never of `generate`). */
  abstract scheduleJob(jobName: string, cron: string, timezone: string): void;
}

/** The seed's seven operations: a plugin built for API 1.0 has these and no `generate`. */
export const LEGACY_PLUGIN_MEMBERS = [
  "createDefinitions",
  "createAssetsFromTransforms",
  "getHelmValues",
  "validateConnection",
  "getResourceRequirements",
  "emitLineageEvent",
  "scheduleJob",
] as const;

function hasIdentity(candidate: Record<string, unknown>): boolean {
  return typeof candidate.name === "string" && typeof candidate.version === "string" && typeof candidate.floeApiVersion === "string";
}

/** Structural check of the contract (not instanceof: plugins may be built against another copy of floe-core). */
export function isOrchestratorPlugin(value: unknown): value is FloeOrchestratorPlugin {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return hasIdentity(candidate) && typeof candidate.generate === "function";
}

/** A plugin built for API 1.0: the seven operations, no `generate` (the registry adapts it). */
export function isLegacyOrchestratorPlugin(value: unknown): value is OrchestratorPlugin {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return hasIdentity(candidate) && LEGACY_PLUGIN_MEMBERS.every((member) => typeof candidate[member] === "function");
}

/** The constructor shape a `floe.orchestrators` entry must export (constructed without arguments by the CLI). */
export type OrchestratorPluginClass = new (options?: Record<string, unknown>) => FloeOrchestratorPlugin;

export function isOrchestratorPluginClass(value: unknown): value is OrchestratorPluginClass {
  if (typeof value !== "function" || !value.prototype) return false;
  const proto = value.prototype as Record<string, unknown>;
  return typeof proto.generate === "function" || LEGACY_PLUGIN_MEMBERS.every((member) => typeof proto[member] === "function");
}

/**
 * A plugin built for API 1.0 seen through the contract: `generate` renders `createDefinitions` of an
 * instance constructed with `{ dbtProjectDir }` and adds `values.yaml` from `getHelmValues` (a chart
 * not built yet, FLOE_NOT_IMPLEMENTED, becomes a warning), as floe-core 1.0's CLI did.
 */
export function adaptLegacyPlugin(
  instance: OrchestratorPlugin,
  construct: (options: Record<string, unknown>) => unknown,
): FloeOrchestratorPlugin {
  const legacy = (options: Record<string, unknown>): OrchestratorPlugin =>
    Object.keys(options).length === 0 ? instance : (construct(options) as OrchestratorPlugin);
  return {
    name: instance.name,
    version: instance.version,
    floeApiVersion: instance.floeApiVersion,
    generate(artifacts, options = {}) {
      const checked = parseGenerateOptions(options);
      const plugin = legacy(checked.dbtProjectDir ? { dbtProjectDir: checked.dbtProjectDir } : {});
      const definitions = plugin.createDefinitions(artifacts);
      const files = definitions.render();
      const warnings = [...(definitions.warnings ?? [])];
      if (!files.some((f) => f.path === "values.yaml")) {
        try {
          files.push(helmValuesFile(plugin.getHelmValues({ artifacts })));
        } catch (error) {
          const code = (error as { code?: unknown } | null)?.code;
          if (code !== "FLOE_NOT_IMPLEMENTED") throw error;
          warnings.push(`no values.yaml: ${(error as Error).message}`);
        }
      }
      const plan = definitions.planSummary?.();
      return { files, warnings, ...(plan ? { plan } : {}) };
    },
    helmValues: (options) => instance.getHelmValues(options),
    connection: {
      validate: ({ url, ...rest } = {}) => legacy(url === undefined ? {} : { url }).validateConnection(rest),
    },
    ...(hasRunControl(instance) ? { runs: instance.runs } : {}),
  };
}

export type { GeneratedFile };
