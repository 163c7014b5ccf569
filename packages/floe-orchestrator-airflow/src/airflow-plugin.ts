import { createRequire } from "node:module";
import type { z } from "zod";
import {
  checkNamesAcrossProducts,
  checkOneDbtProject,
  checkProducts,
  inProduct,
  mergePlanSummaries,
  mergeProductFiles,
  mergeRequirementsFiles,
  productModelUri,
  type ProductInput,
  type ProductsCapability,
  lineageDatasets,
  noModelsWarnings,
  type PlanSummary,
  FLOE_CORE_VERSION,
  FloeError,
  OrchestratorPlugin,
  emitLineage,
  helmValuesFile,
  isValidatedArtifacts,
  parseArtifacts,
  parseGenerateOptions,
  resolveLineageSettings,
  parsePluginOptions,
  type CompiledArtifacts,
  type CompiledArtifactsInput,
  type ConnectionCapability,
  type ConnectionCheckOptions,
  type GenerateOptions,
  type GenerateResult,
  type ScheduleCapability,
  type ValidatedArtifacts,
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
import { buildAirflowModel, type AirflowDefinitionsModel, type AirflowProductTriggers, type ScheduleOverride } from "./dag-model.js";
import { buildAirflowHelmValues } from "./helm-values.js";
import { AirflowPluginOptionsSchema, type AirflowPluginOptions } from "./options.js";
import { renderRuntimeFiles } from "./render-runtime.js";
import { renderAirflowFiles } from "./render-dag.js";
import { buildAirflowLineage } from "./render-lineage.js";
import { airflowResourceRequirements } from "./resource-presets.js";
import { airflowSchedules } from "./schedules.js";
import { createTaskSpecs, type AirflowTaskSpec } from "./task-specs.js";
import { AirflowRunControl } from "./run-control.js";
import { checkAirflowConnection, resolveConnectionSettings } from "./validate-connection.js";

const require = createRequire(import.meta.url);
const PACKAGE = require("../package.json") as { name: string; version: string };

/**
 * The Airflow orchestrator plugin. The contract: `generate` (every DAG file, the runtime files and
 * `values.yaml`) and the capabilities `helmValues`, `connection`, `schedules`, `runs`. The seed's seven
 * operations stay for API users (`createDefinitions` for the inspectable model).
 */
export class AirflowPlugin extends OrchestratorPlugin {
  readonly name = "airflow";
  readonly version = PACKAGE.version;
  // The plugin API this package was built against (not the installed floe-core's, which may be newer).
  readonly floeApiVersion = "1.2";
  readonly options: AirflowPluginOptions;
  readonly #schedules = new Map<string, ScheduleOverride>();
  /**
   * Run control (optional plugin capability): trigger a generated DAG through the Airflow 3 REST API at
   * the url option (else AIRFLOW_URL), read its state, follow it to the end.
   */
  readonly runs: AirflowRunControl;

  /** Airflow's cron rules and CronTriggerTimetable semantics (`floe schedule preview --orchestrator airflow`). */
  readonly schedules: ScheduleCapability = airflowSchedules;

  /** Checks the Airflow API server (`floe validate-connection --orchestrator airflow`). */
  readonly connection: ConnectionCapability = {
    validate: (options: ConnectionCheckOptions = {}) => {
      const url =
        options.url === undefined
          ? this.options.url
          : checkOption(AirflowPluginOptionsSchema.pick({ url: true }), { url: options.url }).url;
      const settings = resolveConnectionSettings({ ...this.options, ...(url === undefined ? {} : { url }) });
      return checkAirflowConnection(options.deadlineMs === undefined ? settings : { ...settings, budgetMs: options.deadlineMs });
    },
  };

  /**
   * Several products in one dags folder (`floe generate a.json b.json …`): one DAG file per job of each
   * product, one requirements.txt, Dockerfile and values.yaml. dag_ids (and DAG file names) must differ
   * across products: a collision is refused, never renamed. A product's `orchestration.consumes` makes
   * its DAG Asset-scheduled on the consumed models, whose tasks get those Assets as outlets.
   */
  readonly products: ProductsCapability = {
    generate: (products, options = {}) => this.#generateProducts(products, options),
  };

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = checkOption(AirflowPluginOptionsSchema, options);
    const settings = resolveConnectionSettings(this.options);
    const token = this.options.token ?? (process.env.AIRFLOW_API_TOKEN || undefined);
    this.runs = new AirflowRunControl({
      ...settings,
      ...(token ? { token } : {}),
      modelOf: (artifacts) => this.createDefinitions(artifacts).model,
    });
  }

  /** Every file for validated artifacts, one DAG per job; schedules come from the artifacts only. */
  generate(artifacts: ValidatedArtifacts, options: GenerateOptions = {}): GenerateResult {
    // A product consuming another is generated together with it (products.generate).
    checkProducts([artifacts]);
    const { dbtProjectDir, pluginOptions } = parseGenerateOptions(options);
    const base =
      pluginOptions === undefined ? this.options : checkOption(AirflowPluginOptionsSchema, { ...this.options, ...pluginOptions });
    const definitions = this.#definitions(artifacts, dbtProjectDir === undefined ? base : { ...base, dbtProjectDir }, new Map());
    const plan = definitions.planSummary?.();
    return {
      files: [...definitions.render(), helmValuesFile(buildAirflowHelmValues({ artifacts }))],
      warnings: [...(definitions.warnings ?? [])],
      ...(plan ? { plan } : {}),
    };
  }

  #generateProducts(products: ReadonlyArray<ProductInput>, options: Omit<GenerateOptions, "dbtProjectDir">): GenerateResult {
    const { pluginOptions } = parseGenerateOptions(options);
    const base =
      pluginOptions === undefined ? this.options : checkOption(AirflowPluginOptionsSchema, { ...this.options, ...pluginOptions });
    const all = products.map((p) => p.artifacts);
    const triggers = checkProducts(all);
    checkOneDbtProject(
      products.map((p) => ({ product: p.artifacts.metadata.product_name, dbtProjectDir: p.dbtProjectDir ?? base.dbtProjectDir })),
    );
    const consumed = new Map<string, Set<string>>();
    for (const list of triggers.values())
      for (const t of list) for (const m of t.models) consumed.set(t.product, new Set([...(consumed.get(t.product) ?? []), m]));
    const parts = products.map(({ artifacts, dbtProjectDir }) => {
      const product = artifacts.metadata.product_name;
      const own: AirflowProductTriggers = {
        outlets: new Map([...(consumed.get(product) ?? [])].map((m) => [m, productModelUri(product, m)])),
        schedule: (triggers.get(product) ?? []).flatMap((t) => t.models.map((m) => productModelUri(t.product, m))),
      };
      const options = dbtProjectDir === undefined ? base : { ...base, dbtProjectDir };
      const definitions = inProduct(product, () => this.#definitions(artifacts, options, new Map(), own));
      return { product, artifacts, definitions, files: inProduct(product, () => definitions.render()) };
    });
    checkNamesAcrossProducts(
      "Airflow dag_id",
      parts.flatMap((p) => p.definitions.model.dags.map((d) => ({ product: p.product, name: d.dagId }))),
    );
    const shared = new Set(["requirements.txt", "Dockerfile"]);
    const files = mergeProductFiles(parts.map((p) => ({ product: p.product, files: p.files.filter((f) => !shared.has(f.path)) })));
    const warnings = parts.flatMap((p) => p.definitions.warnings ?? []);
    const requirements = parts.map((p) => p.files.find((f) => f.path === "requirements.txt")!.content);
    files.push({
      path: "requirements.txt",
      content: mergeRequirementsFiles(
        requirements,
        `Generated by ${PACKAGE.name} ${PACKAGE.version} (floe-core ${FLOE_CORE_VERSION}). Data products ${parts.map((p) => JSON.stringify(p.product)).join(", ")}.`,
      ),
    });
    // One dbt project for all products (checkOneDbtProject): their Dockerfiles are the same.
    files.push({ path: "Dockerfile", content: parts[0]!.files.find((f) => f.path === "Dockerfile")!.content });
    files.push(helmValuesFile(buildAirflowHelmValues({ products: all })));
    const summaries = parts.map((p) => p.definitions.planSummary?.()).filter((s): s is PlanSummary => s !== undefined);
    return {
      files,
      warnings: [...new Set(warnings)],
      ...(summaries.length === parts.length ? { plan: mergePlanSummaries(summaries) } : {}),
    };
  }

  /** One DAG per job (the product's default job first); includes schedules set with the legacy `scheduleJob`. */
  createDefinitions(input: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions<AirflowDefinitionsModel> {
    const artifacts = isValidatedArtifacts(input) ? input : parseArtifacts(input).artifacts;
    return this.#definitions(artifacts, this.options, this.#schedules);
  }

  #definitions(
    artifacts: ValidatedArtifacts,
    options: AirflowPluginOptions,
    overrides: ReadonlyMap<string, ScheduleOverride>,
    triggers?: AirflowProductTriggers,
  ): OrchestratorDefinitions<AirflowDefinitionsModel> {
    const model = buildAirflowModel(
      artifacts,
      options,
      overrides,
      {
        package: PACKAGE.name,
        version: PACKAGE.version,
        coreVersion: FLOE_CORE_VERSION,
      },
      triggers,
    );
    const lineage = buildAirflowLineage(artifacts);
    return {
      orchestrator: this.name,
      model,
      warnings: [
        ...noModelsWarnings(artifacts, "Airflow DAG"),
        ...(model.executionModeNote ? [model.executionModeNote] : []),
        ...poolWarnings(model),
      ],
      render: () => [...renderAirflowFiles(model, lineage), ...renderRuntimeFiles(model, artifacts)],
      planSummary: (): PlanSummary => ({
        orchestrator: this.name,
        product: model.source.product,
        jobs: model.dags.map((d) => ({ name: d.dagId, tasks: d.tasks.map((t) => t.taskId) })),
        // One schedule per DAG (several crons become one timetable), named after its DAG.
        schedules: model.dags.flatMap((d) =>
          d.schedule
            ? [{ name: d.dagId, job: d.dagId, crons: [...d.schedule.crons], timezone: d.schedule.timezone, enabled: d.schedule.enabled }]
            : [],
        ),
        datasets: lineageDatasets(artifacts),
      }),
    };
  }

  createAssetsFromTransforms(transforms: ReadonlyArray<TransformConfigInput>): AirflowTaskSpec[] {
    return createTaskSpecs(transforms);
  }

  /** Values for charts/floe-airflow (the `helmValues` capability). */
  helmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return buildAirflowHelmValues(options);
  }

  getHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return this.helmValues(options);
  }

  async validateConnection(options: ValidateConnectionOptions = {}): Promise<ValidationResult> {
    return this.connection.validate(options);
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

  /**
   * Legacy stateful form: validates now; the job's DAG in this instance's later createDefinitions
   * calls uses this schedule instead of the artifacts' ones (generate ignores it).
   */
  scheduleJob(jobName: string, cron: string, timezone: string): void {
    if (jobName.length === 0) {
      throw new FloeError("FLOE_CONFIG_INVALID", "the job name is empty", { path: "jobName", hint: "name the product or one of its jobs" });
    }
    const valid = this.schedules.validate(cron, timezone);
    this.#schedules.set(jobName, { cron: valid.cron, timezone: valid.timezone });
  }
}

/** Options checked against the plugin's schema: FLOE_CONFIG_INVALID at `options.<field>`. */
function checkOption<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  return parsePluginOptions(schema, value, "AirflowPluginOptionsSchema");
}

/** The pools the tasks name (dbt meta floe `pool`): Airflow never schedules a task whose pool does not exist. */
export function poolWarnings(model: AirflowDefinitionsModel): string[] {
  const pools = [...new Set(model.dags.flatMap((d) => d.tasks.flatMap((t) => (t.runSettings?.pool ? [t.runSettings.pool] : []))))].sort();
  if (pools.length === 0) return [];
  return [
    `the DAGs use Airflow pool${pools.length === 1 ? "" : "s"} ${pools.join(", ")} (dbt meta floe pool): create ${pools.length === 1 ? "it" : "them"} before the DAGs run ` +
      "(`airflow pools set <name> <slots> <description>`); Airflow never schedules a task whose pool does not exist",
  ];
}
