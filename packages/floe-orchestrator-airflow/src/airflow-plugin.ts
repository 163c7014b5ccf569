import { createRequire } from "node:module";
import {
  lineageDatasets,
  noModelsWarnings,
  type PlanSummary,
  FLOE_CORE_VERSION,
  FloeError,
  OrchestratorPlugin,
  emitLineage,
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
import { buildAirflowModel, type AirflowDefinitionsModel, type ScheduleOverride } from "./dag-model.js";
import { buildAirflowHelmValues } from "./helm-values.js";
import { AirflowPluginOptionsSchema, type AirflowPluginOptions } from "./options.js";
import { renderRuntimeFiles } from "./render-runtime.js";
import { renderAirflowFiles } from "./render-dag.js";
import { buildAirflowLineage } from "./render-lineage.js";
import { airflowResourceRequirements } from "./resource-presets.js";
import { createTaskSpecs, type AirflowTaskSpec } from "./task-specs.js";
import { AirflowRunControl } from "./run-control.js";
import { checkAirflowConnection, resolveConnectionSettings } from "./validate-connection.js";

const require = createRequire(import.meta.url);
const PACKAGE = require("../package.json") as { name: string; version: string };

export class AirflowPlugin extends OrchestratorPlugin {
  readonly name = "airflow";
  readonly version = PACKAGE.version;
  // The plugin API this package was built against (not the installed floe-core's, which may be newer).
  readonly floeApiVersion = "1.0";
  readonly options: AirflowPluginOptions;
  readonly #schedules = new Map<string, ScheduleOverride>();
  /**
   * Run control (optional plugin capability): trigger a generated DAG through the Airflow 3 REST API at
   * the url option (else AIRFLOW_URL), read its state, follow it to the end.
   */
  readonly runs: AirflowRunControl;

  constructor(options: Record<string, unknown> = {}) {
    super();
    const parsed = AirflowPluginOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw zodToFloeError(parsed.error, "FLOE_CONFIG_INVALID", "plugin options", ["options"], "see AirflowPluginOptionsSchema for the accepted options");
    }
    this.options = parsed.data;
    const settings = resolveConnectionSettings(this.options);
    const token = this.options.token ?? (process.env.AIRFLOW_API_TOKEN || undefined);
    this.runs = new AirflowRunControl({ ...settings, ...(token ? { token } : {}), modelOf: (artifacts) => this.createDefinitions(artifacts).model });
  }

  /** One DAG per job (the product's default job first), rendered to one module per DAG. */
  createDefinitions(artifacts: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions<AirflowDefinitionsModel> {
    const { artifacts: parsed } = parseArtifacts(artifacts);
    const model = buildAirflowModel(parsed, this.options, this.#schedules, { package: PACKAGE.name, version: PACKAGE.version, coreVersion: FLOE_CORE_VERSION });
    const lineage = buildAirflowLineage(parsed);
    return {
      orchestrator: this.name,
      model,
      warnings: noModelsWarnings(parsed, "Airflow DAG"),
      render: () => [...renderAirflowFiles(model, lineage), ...renderRuntimeFiles(model, parsed)],
      planSummary: (): PlanSummary => ({
        orchestrator: this.name,
        product: model.source.product,
        jobs: model.dags.map((d) => ({ name: d.dagId, tasks: d.tasks.map((t) => t.taskId) })),
        // One schedule per DAG (several crons become one timetable), named after its DAG.
        schedules: model.dags.flatMap((d) => (d.schedule ? [{ name: d.dagId, job: d.dagId, crons: [...d.schedule.crons], timezone: d.schedule.timezone, enabled: d.schedule.enabled }] : [])),
        datasets: lineageDatasets(parsed),
      }),
    };
  }

  createAssetsFromTransforms(transforms: ReadonlyArray<TransformConfigInput>): AirflowTaskSpec[] {
    return createTaskSpecs(transforms);
  }

  getHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return buildAirflowHelmValues(options);
  }

  async validateConnection(options: ValidateConnectionOptions = {}): Promise<ValidationResult> {
    const settings = resolveConnectionSettings(this.options);
    return checkAirflowConnection(options.deadlineMs === undefined ? settings : { ...settings, budgetMs: options.deadlineMs });
  }

  getResourceRequirements(size: WorkloadSize): ResourceSpec {
    return airflowResourceRequirements(size);
  }

  async emitLineageEvent(
    eventType: LineageEventType,
    job: string,
    inputs: ReadonlyArray<DatasetInput>,
    outputs: ReadonlyArray<DatasetInput>,
    options: EmitLineageOptions = {},
  ): Promise<LineageEmitResult> {
    return emitLineage(resolveLineageSettings({ env: process.env }), eventType, job, inputs, outputs, options);
  }

  /** Validates now; the job's DAG in the next createDefinitions uses this schedule instead of the artifacts' ones. */
  scheduleJob(jobName: string, cron: string, timezone: string): void {
    if (jobName.length === 0) {
      throw new FloeError("FLOE_CONFIG_INVALID", "the job name is empty", { path: "jobName", hint: "name the product or one of its jobs" });
    }
    const valid = validateSchedule(cron, timezone, "airflow");
    this.#schedules.set(jobName, { cron: valid.cron, timezone: valid.timezone });
  }
}
