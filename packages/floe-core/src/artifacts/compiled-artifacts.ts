/**
 * CompiledArtifacts: the JSON document floe's Python compiler writes (versions 0.1.0 to 0.10.0),
 * plus floe's own optional extensions (`orchestration`, and per-model dbt fields). The zod schema is
 * the single source of the TypeScript types and of the exported JSON Schema.
 */
import { z } from "zod";

const nonEmpty = z.string().min(1);
const looseRecord = z.record(z.string(), z.unknown());

export const PluginRefSchema = z
  .object({
    type: nonEmpty,
    version: z.string().regex(/^\d+\.\d+\.\d+/, "must be a semantic version like 1.2.3"),
    config: looseRecord.nullish(),
  })
  .loose();

export const ResolvedPluginsSchema = z
  .object({
    compute: PluginRefSchema,
    orchestrator: PluginRefSchema,
    catalog: PluginRefSchema.nullish(),
    storage: PluginRefSchema.nullish(),
    ingestion: PluginRefSchema.nullish(),
    semantic: PluginRefSchema.nullish(),
    lineage_backend: PluginRefSchema.nullish(),
  })
  .loose();

export const QualityCheckSchema = looseRecord;

const FreshnessThresholdSchema = z.object({ count: z.number().int().positive(), period: z.enum(["minute", "hour", "day"]) }).strict();

/** dbt's source freshness thresholds (sources.yml `freshness`), checked by `dbt source freshness`. */
export const SourceFreshnessSchema = z
  .object({
    warn_after: FreshnessThresholdSchema.nullish().describe("older than this: a warning (the run goes on)"),
    error_after: FreshnessThresholdSchema.nullish().describe("older than this: an error (the models reading the source do not run)"),
    filter: z.string().nullish().describe("dbt's freshness filter (a SQL where clause)"),
  })
  .strict();

/** A dbt source a model reads (floe extension): the upstream end of the graph and a lineage input. */
export const SourceRefSchema = z
  .object({
    unique_id: nonEmpty.describe("dbt unique_id, e.g. source.jaffle.raw.orders"),
    source_name: nonEmpty.describe("the source's name in sources.yml (`raw` in source('raw', 'orders'))"),
    name: nonEmpty.describe("the table's name in the source (`orders`)"),
    database: z.string().nullish().describe("database (catalog, project) of the relation"),
    schema: z.string().nullish().describe("schema (dataset) of the relation"),
    identifier: z.string().nullish().describe("the relation's name in the warehouse, when it differs from `name`"),
    loaded_at_field: z.string().nullish().describe("the column dbt's freshness check reads (dbt `loaded_at_field`)"),
    freshness: SourceFreshnessSchema.nullish().describe(
      "dbt freshness thresholds; the plugins run `dbt source freshness` as a check before the models reading it",
    ),
  })
  .loose()
  .describe("extension: a dbt source read by the model");

/**
 * Per-model run settings (floe extension), written by `floe artifacts from-dbt` from the model's dbt
 * `meta: {floe: {...}}` (or `config: {meta: {floe: {...}}}`, dbt 1.10+'s place; `+meta` in dbt_project.yml
 * sets them for a folder). Unset fields fall back to the plugin's options. What each orchestrator honours
 * is in the plugins' READMEs; a setting one cannot honour gives a `floe generate` warning.
 */
export const MODEL_RUN_SETTING_KEYS = ["retries", "retry_delay_seconds", "pool", "timeout_seconds", "retry_test_failures"] as const;

export const ModelRunSettingsSchema = z
  .object({
    retries: z
      .number()
      .int()
      .min(0)
      .max(100)
      .nullish()
      .describe("retries of the model's task or step after a failure of the model (0 to 100)"),
    retry_delay_seconds: z.number().int().min(0).max(86_400).nullish().describe("delay before a retry, in seconds (0 to 86400)"),
    pool: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,250}$/, "must be 1 to 250 letters, digits, '_', '.' or '-'")
      .nullish()
      .describe(
        "Airflow pool of the model's task / Dagster concurrency pool of its step; the pool must exist (Airflow) or be configured (Dagster)",
      ),
    timeout_seconds: z.number().int().min(1).max(604_800).nullish().describe("a run of the model longer than this fails (1 to 604800)"),
    retry_test_failures: z
      .boolean()
      .nullish()
      .describe("retry the task when the model built but its data tests failed (default false: wrong data is not fixed by running again)"),
  })
  .strict()
  .describe("extension: per-model run settings from dbt meta `floe`");

export const ResolvedModelSchema = z
  .object({
    name: nonEmpty,
    compute: nonEmpty,
    tags: z.array(z.string()).nullish(),
    depends_on: z.array(nonEmpty).nullish(),
    quality_checks: z.array(QualityCheckSchema).nullish(),
    quality_tier: z.enum(["bronze", "silver", "gold"]).nullish(),
    // Extensions written by `floe artifacts from-dbt` (optional; floe's Python compiler omits them).
    path: z.string().nullish().describe("extension: the model's file path inside the dbt project"),
    schema_name: z.string().nullish().describe("extension: the schema the model builds into"),
    materialization: z
      .string()
      .nullish()
      .describe("extension: dbt materialization (table, view, incremental…; `seed` for a seed, `snapshot` for a snapshot)"),
    meta: looseRecord.nullish().describe("extension: dbt `meta` of the model"),
    description: z.string().nullish().describe("extension: the model's description"),
    unique_id: z
      .string()
      .nullish()
      .describe("extension: dbt unique_id, e.g. model.jaffle.orders, snapshot.jaffle.orders_snapshot, model.jaffle.dim_customers.v2"),
    alias: z
      .string()
      .nullish()
      .describe("extension: the relation dbt builds, when it differs from `name` (dbt alias; `dim_customers_v2` for version 2)"),
    sources: z
      .array(SourceRefSchema)
      .nullish()
      .describe("extension: the dbt sources the model reads (directly or through ephemeral models); lineage inputs"),
    run_settings: ModelRunSettingsSchema.nullish(),
  })
  .loose();

export const ResolvedTransformsSchema = z
  .object({
    models: z.array(ResolvedModelSchema).min(1, "needs at least one model"),
    default_compute: nonEmpty,
  })
  .loose();

export const JobSchema = z
  .object({
    name: nonEmpty.describe("job name, unique within the product"),
    description: z.string().nullish(),
    select: z
      .object({
        models: z.array(nonEmpty).nullish().describe("models by name"),
        tags: z.array(nonEmpty).nullish().describe("models carrying any of these tags"),
      })
      .strict()
      .nullish()
      .describe("which models the job runs; all models when absent"),
  })
  .strict();

export const ScheduleSchema = z
  .object({
    name: nonEmpty.nullish().describe("schedule name; defaults to `<job>_schedule`"),
    job: nonEmpty.describe("the job this schedule runs (the product's default job when it is the product name)"),
    cron: nonEmpty.describe("5-field cron expression or @hourly/@daily/@weekly/@monthly/@yearly"),
    timezone: nonEmpty.default("UTC").describe("IANA time zone, e.g. Europe/London"),
    enabled: z.boolean().default(true),
  })
  .strict();

/** A dbt variable name: what `var('<name>')` reads in the models. */
const dbtVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a dbt variable name (letters, digits, underscores; not starting with a digit)");

/** Time partitioning of the product's models: one run per window, the window passed to dbt as vars. */
export const PartitioningSchema = z
  .object({
    granularity: z.enum(["daily", "hourly"]).describe("one partition per day or per hour"),
    start: nonEmpty.describe("first partition: YYYY-MM-DD (daily or hourly), or YYYY-MM-DDTHH:00 (hourly), in `timezone`"),
    timezone: nonEmpty.default("UTC").describe("IANA time zone the windows are cut in, e.g. Europe/London"),
    vars: z
      .object({
        start: dbtVarName.describe("dbt var receiving the window's start (ISO 8601 with offset, inclusive)"),
        end: dbtVarName.describe("dbt var receiving the window's end (ISO 8601 with offset, exclusive)"),
      })
      .strict()
      .describe("the dbt vars the models read"),
  })
  .strict()
  .describe("extension: time partitioning for every job of the product (Dagster partitions, Airflow data intervals)");

/**
 * Another product's outputs this product reads: when a run of that product materializes them, this
 * product's default job runs (Dagster: a sensor; Airflow: an Asset-scheduled DAG). Both products are
 * generated into one output (`floe generate a.json b.json …`).
 */
export const ConsumesSchema = z
  .object({
    product: nonEmpty.describe("the product name (metadata.product_name) of a product generated in the same output"),
    models: z
      .array(nonEmpty)
      .min(1, "needs at least one model")
      .describe("that product's models whose updates trigger this product (all of them, once each, since the last run)"),
  })
  .strict()
  .describe("extension: a product whose outputs trigger this product's default job");

/** floe's own additions to CompiledArtifacts: named jobs, schedules, partitioning, data-triggered runs. */
export const OrchestrationExtensionSchema = z
  .object({
    jobs: z.array(JobSchema).default([]),
    schedules: z.array(ScheduleSchema).default([]),
    partitioning: PartitioningSchema.nullish(),
    consumes: z
      .array(ConsumesSchema)
      .nullish()
      .describe("extension: products whose model updates run this product's default job (instead of a schedule)"),
  })
  .strict()
  .describe("extension: named jobs and schedules (floe-orchestrators; ignored by floe's Python tools)");

export const ObservabilitySchema = z
  .object({
    telemetry: looseRecord
      .nullish()
      .describe(
        "OpenTelemetry settings (floe's TelemetryConfig); floe's Python 0.10.0 models require it, floe-core does not, and `floe artifacts from-dbt` does not write it",
      ),
    lineage: z.boolean().default(true),
    lineage_namespace: nonEmpty.nullish(),
    lineage_endpoint: z.string().nullish().describe("OpenLineage backend, with or without the /api/v1/lineage suffix"),
    lineage_transport: z.enum(["http", "console", "noop"]).nullish(),
  })
  .loose();

export const CompiledArtifactsSchema = z
  .object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a version like 0.10.0"),
    metadata: z
      .object({
        compiled_at: nonEmpty,
        floe_version: nonEmpty,
        source_hash: z.string(),
        product_name: z.string().min(1).max(128),
        product_version: nonEmpty,
      })
      .loose(),
    identity: z
      .object({
        product_id: nonEmpty,
        domain: nonEmpty,
        repository: z.string(),
        namespace_registered: z.boolean().optional(),
        registration_timestamp: z.string().nullish(),
      })
      .loose(),
    mode: z.enum(["simple", "centralized", "mesh"]).default("simple"),
    inheritance_chain: z
      .array(z.object({ name: nonEmpty, version: nonEmpty, scope: z.enum(["enterprise", "domain"]), ref: z.string() }).loose())
      .default([]),
    observability: ObservabilitySchema,
    plugins: ResolvedPluginsSchema.nullish(),
    transforms: ResolvedTransformsSchema.nullish(),
    dbt_profiles: looseRecord.nullish(),
    governance: looseRecord.nullish(),
    enforcement_result: looseRecord.nullish(),
    data_contracts: z.array(looseRecord).default([]),
    quality_config: looseRecord.nullish(),
    orchestration: OrchestrationExtensionSchema.nullish(),
  })
  .loose()
  .describe(
    "CompiledArtifacts 0.1.0 to 0.10.0 as floe's Python compiler writes them, plus optional floe-orchestrators extensions " +
      "(fields described `extension:`). Upstream's pydantic models forbid extra keys, so a document carrying extensions is read by floe-orchestrators only.",
  );

export type PluginRef = z.infer<typeof PluginRefSchema>;
export type ResolvedModel = z.infer<typeof ResolvedModelSchema>;
export type SourceRef = z.infer<typeof SourceRefSchema>;
export type SourceFreshness = z.infer<typeof SourceFreshnessSchema>;
export type ModelRunSettings = z.infer<typeof ModelRunSettingsSchema>;
export type ResolvedTransforms = z.infer<typeof ResolvedTransformsSchema>;
export type Job = z.infer<typeof JobSchema>;
export type Schedule = z.infer<typeof ScheduleSchema>;
export type Partitioning = z.infer<typeof PartitioningSchema>;
export type Consumes = z.infer<typeof ConsumesSchema>;
export type ScheduleInput = z.input<typeof ScheduleSchema>;
export type CompiledArtifacts = z.infer<typeof CompiledArtifactsSchema>;
/** What callers may pass in: defaults not yet applied. */
export type CompiledArtifactsInput = z.input<typeof CompiledArtifactsSchema>;
