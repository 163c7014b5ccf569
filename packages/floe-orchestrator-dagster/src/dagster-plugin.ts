import { DagsterRunControl } from "./run-control.js";
import { createRequire } from "node:module";
import {
  lineageDatasets,
  noModelsWarnings,
  type PlanSummary,
  redactUrl,
  FloeError,
  OrchestratorPlugin,
  TransformConfigSchema,
  checkDbtModelNames,
  emitLineage,
  formatPath,
  parseArtifacts,
  resolveLineageSettings,
  validateSchedule,
  zodToFloeError,
  type CompiledArtifacts,
  type CompiledArtifactsInput,
  type DatasetInput,
  type EmitLineageOptions,
  type LineageEmitResult,
  type LineageEventType,
  type OrchestratorDefinitions,
  type ResourceSpec,
  type TransformConfigInput,
  type ValidateConnectionOptions,
  type ValidationResult,
  type WorkloadSize,
} from "floe-core";
import { buildAssetSpecs, type DagsterAssetSpec } from "./asset-specs.js";
import { DEADLINE_MS, checkDagsterConnection, resolveDagsterUrl } from "./check-connection.js";
import { buildDefinitionsModel, type DagsterDefinitionsModel, type ExtraSchedule } from "./definitions-model.js";
import { buildDagsterHelmValues } from "./helm-values.js";
import { DagsterPluginOptionsSchema, type DagsterPluginOptions } from "./options.js";
import { renderCodeLocation } from "./render-code-location.js";
import { buildLineageModel, renderLineageFile } from "./render-lineage.js";
import { renderRuntimeFiles } from "./render-runtime.js";
import { dagsterResourceRequirements } from "./resource-presets.js";

const require = createRequire(import.meta.url);
const PACKAGE_JSON = require("../package.json") as { name: string; version: string };
const PACKAGE_VERSION: string = PACKAGE_JSON.version;
const PACKAGE_NAME: string = PACKAGE_JSON.name;

export class DagsterPlugin extends OrchestratorPlugin {
  readonly name = "dagster";
  readonly version = PACKAGE_VERSION;
  // The plugin API this package was built against (not the installed floe-core's, which may be newer).
  readonly floeApiVersion = "1.0";
  readonly options: DagsterPluginOptions;
  readonly #schedules: ExtraSchedule[] = [];
  /**
   * Run control (optional plugin capability): trigger a generated job on the Dagster webserver at the
   * url option (else DAGSTER_URL), read its state, follow it to the end.
   */
  readonly runs: DagsterRunControl;

  constructor(options: Record<string, unknown> = {}) {
    super();
    const parsed = DagsterPluginOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw zodToFloeError(parsed.error, "FLOE_CONFIG_INVALID", "plugin options", ["options"], "see DagsterPluginOptionsSchema for the accepted options");
    }
    this.options = parsed.data;
    const token = process.env.DAGSTER_CLOUD_API_TOKEN || undefined;
    this.runs = new DagsterRunControl({
      url: resolveDagsterUrl(this.options.url, process.env),
      ...(token ? { token } : {}),
      modelOf: (artifacts) => this.createDefinitions(artifacts).model,
    });
  }

  createDefinitions(input: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions<DagsterDefinitionsModel> {
    const { artifacts } = parseArtifacts(input);
    const model = buildDefinitionsModel(artifacts, {
      dbtProjectDir: this.options.dbtProjectDir,
      plugin: { name: this.name, version: this.version },
      extraSchedules: [...this.#schedules],
    });
    const artifactsJson = `${JSON.stringify(provenanceArtifacts(artifacts), null, 2)}
`;
    const lineage = buildLineageModel(artifacts, { name: PACKAGE_NAME, version: this.version });
    const render = () => [...renderCodeLocation(model, artifactsJson), renderLineageFile(lineage, model.generatedBy), ...renderRuntimeFiles(model, artifacts)];
    const planSummary = (): PlanSummary => ({
      orchestrator: this.name,
      product: model.product,
      jobs: model.jobs.map((j) => ({ name: j.name, tasks: j.selection.map((key) => key.join("/")) })),
      schedules: model.schedules.map((s) => ({ name: s.name, job: s.job, crons: [s.cron], timezone: s.timezone, enabled: s.running })),
      datasets: lineageDatasets(artifacts),
    });
    return { orchestrator: this.name, model, warnings: noModelsWarnings(artifacts, "Dagster code location"), render, planSummary };
  }

  /** Asset specs for transforms; `group` is the product's group when called through createDefinitions. */
  createAssetsFromTransforms(transforms: ReadonlyArray<TransformConfigInput>, group = "default"): DagsterAssetSpec[] {
    const parsed = transforms.map((t, i) => {
      const result = TransformConfigSchema.safeParse(t);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new FloeError("FLOE_CONFIG_INVALID", issue?.message ?? "invalid transform", {
          path: formatPath(["transforms", i, ...(issue?.path ?? [])]),
          hint: "each transform needs a name; depends_on and tags are lists of strings",
        });
      }
      return { ...result.data, unique_id: (t as { unique_id?: string | null }).unique_id ?? null };
    });
    checkDbtModelNames(parsed, "transforms");
    return buildAssetSpecs(parsed, group);
  }

  getHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return buildDagsterHelmValues(options);
  }

  async validateConnection(options: ValidateConnectionOptions = {}): Promise<ValidationResult> {
    return checkDagsterConnection(resolveDagsterUrl(this.options.url, process.env), Math.min(options.deadlineMs ?? DEADLINE_MS, DEADLINE_MS));
  }

  getResourceRequirements(size: WorkloadSize): ResourceSpec {
    return dagsterResourceRequirements(size);
  }

  async emitLineageEvent(
    eventType: LineageEventType,
    job: string,
    inputs: ReadonlyArray<DatasetInput>,
    outputs: ReadonlyArray<DatasetInput>,
    options: EmitLineageOptions = {},
  ): Promise<LineageEmitResult> {
    const settings = resolveLineageSettings({ overrides: this.options.lineage ?? {}, env: process.env });
    return emitLineage(settings, eventType, job, inputs, outputs, options);
  }

  /** Validates now (FLOE_SCHEDULE_INVALID / FLOE_TIMEZONE_INVALID naming the field); the next createDefinitions includes it. */
  scheduleJob(jobName: string, cron: string, timezone: string): void {
    if (typeof jobName !== "string" || jobName.trim() === "") {
      throw new FloeError("FLOE_SCHEDULE_INVALID", "the job name is empty", { path: "jobName", hint: "name the product or one of its named jobs" });
    }
    const valid = validateSchedule(cron, timezone, "dagster");
    this.#schedules.push({ jobName, cron: valid.cron, timezone: valid.timezone });
  }
}

/**
 * The artifacts as copied next to the generated code, for provenance only (the generated Python reads
 * nothing from it). An allow-list: the fields that say what was generated, never plugin configs,
 * profiles, telemetry headers, governance or model `meta`, which may hold passwords and tokens. The
 * lineage endpoint keeps scheme, host and path only.
 */
export function provenanceArtifacts(artifacts: CompiledArtifacts): Record<string, unknown> {
  const pick = (value: unknown, keys: readonly string[]): Record<string, unknown> | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of keys) if ((value as Record<string, unknown>)[key] !== undefined) out[key] = (value as Record<string, unknown>)[key];
    return out;
  };
  const observability = pick(artifacts.observability, ["lineage", "lineage_namespace", "lineage_transport"]) ?? {};
  const endpoint = artifacts.observability.lineage_endpoint;
  if (typeof endpoint === "string") observability.lineage_endpoint = redactUrl(endpoint);
  const plugins = artifacts.plugins
    ? Object.fromEntries(Object.entries(artifacts.plugins).flatMap(([role, ref]) => (ref ? [[role, pick(ref, ["type", "version"])]] : [])))
    : undefined;
  const transforms = artifacts.transforms
    ? {
        default_compute: artifacts.transforms.default_compute,
        models: artifacts.transforms.models.map((m) =>
          pick(m, ["name", "compute", "tags", "depends_on", "quality_tier", "path", "schema_name", "materialization", "description", "unique_id"]),
        ),
      }
    : undefined;
  const copy: Record<string, unknown> = {
    version: artifacts.version,
    metadata: pick(artifacts.metadata, ["compiled_at", "floe_version", "source_hash", "product_name", "product_version"]),
    identity: { ...pick(artifacts.identity, ["product_id", "domain"]), repository: artifacts.identity.repository.includes("://") ? redactUrl(artifacts.identity.repository) : artifacts.identity.repository },
    mode: artifacts.mode,
    observability,
    plugins,
    transforms,
    orchestration: artifacts.orchestration ?? undefined,
  };
  return Object.fromEntries(Object.entries(copy).filter(([, v]) => v !== undefined));
}
