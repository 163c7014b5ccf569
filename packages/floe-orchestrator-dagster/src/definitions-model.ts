/** The typed model of a generated Dagster code location: what `createDefinitions` returns and `renderCodeLocation` writes. */
import {
  FloeError,
  resolveJobs,
  resolvePartitioning,
  transformsFromArtifacts,
  type CompiledArtifacts,
  type ModelRunSettings,
  type ResolvedJob,
  type ResolvedPartitioning,
  type ValidSchedule,
} from "floe-core";
import { buildAssetSpecs, type DagsterAssetSpec } from "./asset-specs.js";
import { dagsterName, packageNameForProduct } from "./dagster-names.js";

export interface DagsterJob {
  /** Dagster job name. */
  name: string;
  description: string | null;
  /** Asset keys the job materializes. */
  selection: string[][];
  isDefault: boolean;
}

export interface DagsterSchedule {
  name: string;
  /** Dagster job name the schedule runs. */
  job: string;
  cron: string;
  /** The 5-field form Dagster is given (`cron_schedule`). */
  expanded: string;
  timezone: string;
  running: boolean;
}

/**
 * A data-triggered run (orchestration.consumes): a sensor in this code location starts the product's
 * default job once every consumed asset (owned by other code locations of the deployment) has been
 * materialized again since the sensor last started it.
 */
export interface DagsterTrigger {
  sensor: string;
  /** The Dagster job the sensor runs (the product's default job). */
  job: string;
  /** Asset keys of the consumed models. */
  keys: string[][];
  /** The products owning them. */
  products: string[];
}

export interface DagsterDefinitionsModel {
  product: string;
  productVersion: string;
  artifactsVersion: string;
  /** Dagster code location name. */
  location: string;
  /**
   * The Python package holding the code location (`dagsterPackageName`): `<package>/definitions.py`
   * (exports `defs`), loaded as the module `<package>.definitions`.
   */
  packageName: string;
  group: string;
  /**
   * "dbt-manifest": one `@dbt_assets` over the project's manifest, limited to the transforms (every
   * transform carries a dbt unique_id). "per-transform": one asset per transform running
   * `dbt build --select <model>` (artifacts without dbt ids, e.g. floe 0.10.0 output).
   */
  assetMode: "dbt-manifest" | "per-transform";
  assets: DagsterAssetSpec[];
  /** dbt tests become asset checks, declared by dagster-dbt from the manifest at load time. */
  assetChecks: { source: "dbt-tests"; enabled: boolean };
  jobs: DagsterJob[];
  schedules: DagsterSchedule[];
  /** orchestration.consumes: the sensor starting the default job; null when the product consumes nothing. */
  trigger: DagsterTrigger | null;
  /**
   * Time partitions on every asset (orchestration.partitioning): each run gets its partition's window
   * as dbt vars; the default job runs each window when it closes, the other jobs by backfill only.
   */
  partitions: DagsterPartitions | null;
  /**
   * The dbt sources the product's models read (manifest mode): external assets, keyed by dagster-dbt's
   * translator at load time; `freshness` marks those with dbt freshness, each checked by an asset check
   * running `dbt source freshness`.
   */
  sources: Array<{ uniqueId: string; freshness: boolean }>;
  /**
   * "in_process" when per-transform steps write one DuckDB file (DuckDB allows a single writer
   * process: parallel steps would fail on its lock); Dagster's default multiprocess executor otherwise.
   */
  executor: "multiprocess" | "in_process";
  resources: { dbt: { projectDir: string | null; envOverride: string } };
  /**
   * Manifest mode: the settings of the one dbt step, from the models' run settings (largest retries and
   * delay; the pool when all models that name one name the same). Per-transform mode: per asset, keyed by model.
   */
  stepSettings: { manifest: DagsterStepSettings | null; perAsset: Record<string, DagsterStepSettings> };
  /** What of the models' run settings Dagster cannot honour as asked (reported by `floe generate`). */
  warnings: string[];
  generatedBy: { plugin: string; version: string };
}

export interface DagsterPartitions {
  granularity: ResolvedPartitioning["granularity"];
  /** start_date as Daily/HourlyPartitionsDefinition take it: YYYY-MM-DD or YYYY-MM-DD-HH:MM. */
  startDate: string;
  timezone: string;
  vars: { start: string; end: string };
}

/** Dagster's form of the product's partitioning, or null. */
export function buildPartitions(artifacts: CompiledArtifacts): DagsterPartitions | null {
  const p = resolvePartitioning(artifacts);
  if (!p) return null;
  const hour = String(p.start.hour).padStart(2, "0");
  return {
    granularity: p.granularity,
    startDate: p.granularity === "daily" ? p.start.date : `${p.start.date}-${hour}:00`,
    timezone: p.timezone,
    vars: p.vars,
  };
}

/** Every source the models read, once, in first-seen order. */
export function collectSources(artifacts: CompiledArtifacts): Array<{ uniqueId: string; freshness: boolean }> {
  const seen = new Map<string, boolean>();
  for (const model of artifacts.transforms?.models ?? []) {
    for (const source of model.sources ?? [])
      seen.set(source.unique_id, (seen.get(source.unique_id) ?? false) || Boolean(source.freshness));
  }
  return [...seen].map(([uniqueId, freshness]) => ({ uniqueId, freshness }));
}

/** Dagster's RetryPolicy and concurrency pool of one step. */
export interface DagsterStepSettings {
  retryPolicy: { maxRetries: number; delaySeconds: number | null } | null;
  pool: string | null;
}

/** A schedule added through the legacy `scheduleJob`, already validated. */
export interface ExtraSchedule {
  jobName: string;
  cron: string;
  expanded: string;
  timezone: string;
}

export const DBT_PROJECT_ENV = "FLOE_DBT_PROJECT_DIR";

export function buildDefinitionsModel(
  artifacts: CompiledArtifacts,
  options: {
    dbtProjectDir?: string;
    plugin: { name: string; version: string };
    /** resolveJobs(artifacts), computed once by the caller. */
    jobs: ReadonlyArray<ResolvedJob>;
    /** The artifacts' schedules as parsed and checked (validatedSchedules + Dagster's rules), in order. */
    schedules: ReadonlyArray<ValidSchedule>;
    extraSchedules: ReadonlyArray<ExtraSchedule>;
    /** What the product consumes, resolved to the owners' asset keys (several products in one output). */
    consumes?: { products: string[]; keys: string[][] };
  },
): DagsterDefinitionsModel {
  const product = artifacts.metadata.product_name;
  const group = dagsterName(product);
  const models = artifacts.transforms?.models ?? [];
  // Artifacts without models give no assets and no jobs (a job of nothing would not load); schedules refused.
  const transforms = transformsFromArtifacts(artifacts).map((t, i) => ({ ...t, unique_id: models[i]?.unique_id ?? null }));
  const assets = buildAssetSpecs(transforms, group);
  // No models: per-transform mode, so no @dbt_assets selection can fall back to the whole project.
  const assetMode = transforms.length > 0 && transforms.every((t) => t.unique_id) ? "dbt-manifest" : "per-transform";
  const keyOf = new Map(assets.map((a) => [a.model, a.key]));

  const jobs: DagsterJob[] = (assets.length === 0 ? [] : options.jobs).map((job) => ({
    name: dagsterName(job.name),
    description: job.description,
    selection: job.models.map((m) => keyOf.get(m) as string[]),
    isDefault: job.isDefault,
  }));
  const jobByFloeName = new Map(options.jobs.map((job, i) => [job.name, jobs[i] as DagsterJob]));

  const schedules: DagsterSchedule[] = [];
  const seen = new Set<string>();
  const add = (schedule: DagsterSchedule, path: string) => {
    if (seen.has(schedule.name)) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `two schedules are named "${schedule.name}"`, {
        path,
        hint: "give each schedule a unique name",
      });
    }
    seen.add(schedule.name);
    schedules.push(schedule);
  };
  (artifacts.orchestration?.schedules ?? []).forEach((s, i) => {
    const job = jobByFloeName.get(s.job) as DagsterJob;
    add(
      {
        name: dagsterName(s.name ?? `${s.job}_schedule`),
        job: job.name,
        cron: s.cron,
        expanded: options.schedules[i]!.expanded,
        timezone: s.timezone,
        running: s.enabled,
      },
      `orchestration.schedules[${i}].name`,
    );
  });
  options.extraSchedules.forEach((s, i) => {
    const job = jobByFloeName.get(s.jobName);
    if (artifacts.orchestration?.partitioning) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", "a cron schedule for a partitioned product: each job already runs once per partition", {
        path: `scheduleJob[${i}]`,
        hint: "drop scheduleJob, or the product's orchestration.partitioning",
      });
    }
    if (assets.length === 0) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", "a schedule for a product with no models would run nothing", {
        path: `scheduleJob[${i}]`,
        hint: "compile the product with at least one dbt model",
      });
    }
    if (!job) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `scheduleJob named job "${s.jobName}", which these artifacts do not define`, {
        path: `scheduleJob[${i}].jobName`,
        hint: `name "${product}" (every model) or a job from orchestration.jobs`,
      });
    }
    let name = dagsterName(`${s.jobName}_schedule`);
    for (let n = 2; seen.has(name); n++) name = dagsterName(`${s.jobName}_schedule_${n}`);
    add({ name, job: job.name, cron: s.cron, expanded: s.expanded, timezone: s.timezone, running: true }, `scheduleJob[${i}]`);
  });

  return {
    product,
    productVersion: artifacts.metadata.product_version,
    artifactsVersion: artifacts.version,
    location: group,
    packageName: packageNameForProduct(product),
    group,
    assetMode,
    assets,
    assetChecks: { source: "dbt-tests", enabled: assetMode === "dbt-manifest" },
    jobs,
    schedules,
    trigger: triggerOf(jobs, schedules, options.consumes),
    partitions: assets.length === 0 ? null : buildPartitions(artifacts),
    sources: assetMode === "dbt-manifest" ? collectSources(artifacts) : [],
    executor: assetMode === "per-transform" && usesDuckdb(artifacts) ? "in_process" : "multiprocess",
    resources: { dbt: { projectDir: options.dbtProjectDir ?? null, envOverride: DBT_PROJECT_ENV } },
    ...mapRunSettings(assets, assetMode),
    generatedBy: { plugin: `floe-orchestrator-${options.plugin.name}`, version: options.plugin.version },
  };
}

function triggerOf(
  jobs: ReadonlyArray<DagsterJob>,
  schedules: ReadonlyArray<DagsterSchedule>,
  consumes: { products: string[]; keys: string[][] } | undefined,
): DagsterTrigger | null {
  const job = jobs.find((j) => j.isDefault);
  if (!consumes || consumes.keys.length === 0 || !job) return null;
  // Sensors and schedules share one namespace in a code location.
  let sensor = dagsterName(`${job.name}_on_consumed_assets`);
  while (schedules.some((s) => s.name === sensor)) sensor += "_";
  return { sensor, job: job.name, keys: consumes.keys, products: consumes.products };
}

function usesDuckdb(artifacts: CompiledArtifacts): boolean {
  const transforms = artifacts.transforms;
  return transforms?.default_compute === "duckdb" || (transforms?.models ?? []).some((m) => m.compute === "duckdb");
}

function stepSettingsOf(settings: ReadonlyArray<ModelRunSettings>): DagsterStepSettings {
  const retries = settings.flatMap((s) => (s.retries != null ? [s.retries] : []));
  const delays = settings.flatMap((s) => (s.retry_delay_seconds != null ? [s.retry_delay_seconds] : []));
  const pools = [...new Set(settings.flatMap((s) => (s.pool != null ? [s.pool] : [])))];
  const maxRetries = retries.length > 0 ? Math.max(...retries) : 0;
  return {
    retryPolicy: maxRetries > 0 ? { maxRetries, delaySeconds: delays.length > 0 ? Math.max(...delays) : null } : null,
    pool: pools.length === 1 ? (pools[0] as string) : null,
  };
}

/**
 * The models' run settings (dbt meta `floe`) as Dagster's closest equivalents, and a warning for each
 * that Dagster cannot honour as asked. Per-transform mode: each asset is its own step, with its RetryPolicy
 * and pool. Manifest mode: dbt builds every model in one step, so retries and pools are per step.
 */
export function mapRunSettings(
  assets: ReadonlyArray<DagsterAssetSpec>,
  assetMode: DagsterDefinitionsModel["assetMode"],
): Pick<DagsterDefinitionsModel, "stepSettings" | "warnings"> {
  const withSettings = assets.filter((a) => a.runSettings !== null);
  const warnings: string[] = [];
  const names = (pick: (s: ModelRunSettings) => unknown) =>
    withSettings.filter((a) => pick(a.runSettings as ModelRunSettings) != null).map((a) => a.model);
  const list = (models: string[]) => `${models.slice(0, 5).join(", ")}${models.length > 5 ? `, … ${models.length - 5} more` : ""}`;
  const timeouts = names((s) => s.timeout_seconds);
  if (timeouts.length > 0) {
    warnings.push(
      `Dagster has no per-step timeout: timeout_seconds of ${list(timeouts)} (dbt meta floe) is not applied; set the run tag dagster/max_runtime (run monitoring) instead`,
    );
  }
  const retryTests = withSettings.filter((a) => a.runSettings?.retry_test_failures === true).map((a) => a.model);
  if (retryTests.length > 0) {
    warnings.push(
      `retry_test_failures of ${list(retryTests)} (dbt meta floe) is not applied in Dagster: a step whose models built but whose tests failed is never retried`,
    );
  }
  if (assetMode === "per-transform") {
    const perAsset: Record<string, DagsterStepSettings> = {};
    for (const a of withSettings) {
      const step = stepSettingsOf([a.runSettings as ModelRunSettings]);
      if (step.retryPolicy || step.pool) perAsset[a.model] = step;
    }
    return { stepSettings: { manifest: null, perAsset }, warnings };
  }
  const all = withSettings.map((a) => a.runSettings as ModelRunSettings);
  const step = stepSettingsOf(all);
  const retried = names((s) => s.retries ?? s.retry_delay_seconds);
  if (step.retryPolicy && retried.length > 0) {
    warnings.push(
      `dbt builds every model in one Dagster step (manifest mode): retries/retry_delay_seconds of ${list(retried)} (dbt meta floe) become the step's ` +
        `RetryPolicy(max_retries=${step.retryPolicy.maxRetries}${step.retryPolicy.delaySeconds !== null ? `, delay=${step.retryPolicy.delaySeconds}` : ""}) for all models; a retry builds only the models not yet built`,
    );
  }
  const pools = [...new Set(all.flatMap((s) => (s.pool != null ? [s.pool] : [])))].sort();
  if (pools.length === 1) {
    warnings.push(
      `dbt builds every model in one Dagster step (manifest mode): pool ${pools[0]} (dbt meta floe) is the pool of that whole step; configure it in the instance's concurrency settings`,
    );
  } else if (pools.length > 1) {
    warnings.push(
      `dbt builds every model in one Dagster step (manifest mode): the models name ${pools.length} pools (${pools.join(", ")}) and one step takes one, so none is applied`,
    );
  }
  return { stepSettings: { manifest: step.retryPolicy || step.pool ? step : null, perAsset: {} }, warnings };
}
