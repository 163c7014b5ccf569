import { createRequire } from "node:module";
import {
  noModelsWarnings,
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
  type ValidationResult,
  type WorkloadSize,
} from "floe-core";
import { buildAssetSpecs, type DagsterAssetSpec } from "./asset-specs.js";
import { checkDagsterConnection, resolveDagsterUrl } from "./check-connection.js";
import { buildDefinitionsModel, type DagsterDefinitionsModel, type ExtraSchedule } from "./definitions-model.js";
import { buildDagsterHelmValues } from "./helm-values.js";
import { DagsterPluginOptionsSchema, type DagsterPluginOptions } from "./options.js";
import { renderCodeLocation } from "./render-code-location.js";
import { buildLineageModel, renderLineageFile } from "./render-lineage.js";
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

  constructor(options: Record<string, unknown> = {}) {
    super();
    const parsed = DagsterPluginOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw zodToFloeError(parsed.error, "FLOE_CONFIG_INVALID", "plugin options", ["options"], "see DagsterPluginOptionsSchema for the accepted options");
    }
    this.options = parsed.data;
  }

  createDefinitions(input: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions<DagsterDefinitionsModel> {
    const { artifacts } = parseArtifacts(input);
    const model = buildDefinitionsModel(artifacts, {
      dbtProjectDir: this.options.dbtProjectDir,
      plugin: { name: this.name, version: this.version },
      extraSchedules: [...this.#schedules],
    });
    const artifactsJson = `${JSON.stringify(withoutSecrets(artifacts), null, 2)}
`;
    const lineage = buildLineageModel(artifacts, { name: PACKAGE_NAME, version: this.version });
    const render = () => [...renderCodeLocation(model, artifactsJson), renderLineageFile(lineage, model.generatedBy)];
    return { orchestrator: this.name, model, warnings: noModelsWarnings(artifacts, "Dagster code location"), render };
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

  async validateConnection(): Promise<ValidationResult> {
    return checkDagsterConnection(resolveDagsterUrl(this.options.url, process.env));
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
 * The artifacts as copied next to the generated code: without dbt_profiles (passwords and tokens; the
 * generated code reads profiles.yml, never this copy) and without credentials in the lineage endpoint.
 */
function withoutSecrets(artifacts: CompiledArtifacts): CompiledArtifacts {
  const { dbt_profiles: _profiles, ...rest } = artifacts as CompiledArtifacts & { dbt_profiles?: unknown };
  const endpoint = rest.observability?.lineage_endpoint;
  if (typeof endpoint === "string" && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(endpoint)) {
    return { ...rest, observability: { ...rest.observability, lineage_endpoint: redactUrl(endpoint) } } as CompiledArtifacts;
  }
  return rest as CompiledArtifacts;
}
