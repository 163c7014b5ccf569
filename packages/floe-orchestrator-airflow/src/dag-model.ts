/** The typed model of what Airflow will run: one DAG per job, each with its tasks, edges and schedule. */
import {
  FloeError,
  resolveJobs,
  resolvePartitioning,
  safeName,
  transformsFromArtifacts,
  validatedSchedules,
  type ValidatedArtifacts,
  type CompiledArtifacts,
  type ResolvedPartitioning,
  type SourceRef,
} from "floe-core";
import type { AirflowPluginOptions } from "./options.js";
import { AIRFLOW_ID_RULES, checkTransforms, taskSpecsFor, type AirflowTaskSpec } from "./task-specs.js";

export interface AirflowSchedule {
  /** One or more cron expressions (several become a MultipleCronTriggerTimetable). */
  crons: string[];
  timezone: string;
  /** A disabled schedule is rendered but the DAG starts paused. */
  enabled: boolean;
}

export interface AirflowTaskDefaults {
  owner: string;
  retries: number;
  retryDelaySeconds: number;
  retryExponentialBackoff: number;
  maxRetryDelaySeconds: number;
  executionTimeoutSeconds: number;
  /** Retry a task whose model built but whose data tests failed (per model: run_settings.retry_test_failures). */
  retryTestFailures: boolean;
}

/** How tasks call dbt; values reach the task only as environment variables. */
export interface AirflowDbtInvocation {
  executable: string;
  command: "build" | "run";
  projectDir: string | null;
  profilesDir: string | null;
  target: string | null;
}

export interface AirflowDagSpec {
  dagId: string;
  /** File name of the DAG module, relative to the dags folder. */
  fileName: string;
  job: string;
  isDefault: boolean;
  description: string;
  tags: string[];
  schedule: AirflowSchedule | null;
  tasks: AirflowTaskSpec[];
  /** `dbt source freshness` tasks for the sources with dbt `freshness` that the DAG's models read. */
  freshness: AirflowFreshnessTask[];
  /** Task id -> the dbt sources its model reads, as Airflow Assets (the task's `inlets`). */
  sourceInlets: Record<string, Array<{ name: string; uri: string }>>;
  /**
   * Task id -> the Assets its model's updates emit (`outlets`): the models another product of the same
   * output consumes (orchestration.consumes), as `floe://<product>/<model>`.
   */
  productOutlets: Record<string, string[]>;
  /** The product's DAG runs when all these Assets are updated (orchestration.consumes) instead of on a timetable; null otherwise. */
  assetSchedule: string[] | null;
  /** Build mode: the id of the task that runs dbt once for the whole selection (distinct from every model's task id). */
  buildTaskId: string | null;
  docMd: string;
}

/** A task checking one dbt source's freshness, upstream of the model tasks reading the source. */
export interface AirflowFreshnessTask {
  taskId: string;
  /** dbt selector: `source:<source_name>.<table>`. */
  selector: string;
  /** Task ids of the models reading the source. */
  downstream: string[];
  /**
   * What those models wait for anyway, except their own descendants: a source can be a table the
   * product itself loads first (a seed of the same name), so freshness is checked after that.
   */
  upstream: string[];
}

export interface AirflowDefinitionsModel {
  source: {
    product: string;
    productVersion: string;
    compiledAt: string;
    floeVersion: string;
    artifactsVersion: string;
    sourceHash: string;
  };
  generator: { package: string; version: string; coreVersion: string };
  defaults: AirflowTaskDefaults;
  dbt: AirflowDbtInvocation;
  /** build: one dbt invocation per DAG run, model tasks report its results; per_model: one dbt process per model task. */
  executionMode: "build" | "per_model";
  /** Why the execution mode differs from the one asked for (a `floe generate` warning), or null. */
  executionModeNote: string | null;
  dags: AirflowDagSpec[];
  /**
   * orchestration.partitioning: every DAG gets a data-interval timetable (one run per window, the
   * window passed to dbt as vars); the product's DAG runs each window as it closes, the others only
   * when triggered or backfilled (paused on creation).
   */
  partitioning: ResolvedPartitioning | null;
}

/** A schedule set through `scheduleJob`, already validated. */
export interface ScheduleOverride {
  cron: string;
  timezone: string;
}

const FILE_RULES = { allowed: /[A-Za-z0-9_]/, maxLength: 120, startsWithLetter: true, foldCase: true } as const;

/** File name for a job's DAG module: a lower-case Python module name (case-insensitive file systems stay safe). */
export function dagFileName(job: string): string {
  return `${safeName(job, FILE_RULES)}.py`;
}

/** A product's part in data-triggered runs between the products of one output. */
export interface AirflowProductTriggers {
  /** Its models another product consumes, each with its Asset URI. */
  outlets: ReadonlyMap<string, string>;
  /** The Asset URIs whose updates run its default DAG (empty: it consumes nothing). */
  schedule: ReadonlyArray<string>;
}

export function buildAirflowModel(
  artifacts: ValidatedArtifacts,
  options: AirflowPluginOptions,
  overrides: ReadonlyMap<string, ScheduleOverride>,
  generator: { package: string; version: string; coreVersion: string },
  triggers: AirflowProductTriggers = { outlets: new Map(), schedule: [] },
): AirflowDefinitionsModel {
  const transforms = transformsFromArtifacts(artifacts);
  const jobs = resolveJobs(artifacts);
  const jobNames = new Set<string>();
  jobs.forEach((job, i) => {
    if (jobNames.has(job.name)) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `two jobs are named "${job.name}"`, {
        path: `orchestration.jobs[${i - 1}].name`,
        hint: "job names must be unique within the product",
      });
    }
    jobNames.add(job.name);
  });
  if (transforms.length === 0 && overrides.size > 0) {
    throw new FloeError("FLOE_CONFIG_INVALID", "a schedule for a product with no models would run nothing", {
      path: "scheduleJob.jobName",
      hint: "compile the product with at least one dbt model",
    });
  }
  for (const name of overrides.keys()) {
    if (!jobNames.has(name)) {
      throw new FloeError("FLOE_CONFIG_INVALID", `scheduleJob named job "${name}", which the artifacts do not define`, {
        path: "scheduleJob.jobName",
        hint: `use the product name (${artifacts.metadata.product_name}) or a job from orchestration.jobs`,
      });
    }
  }
  const partitioning = transforms.length === 0 ? null : resolvePartitioning(artifacts);
  if (partitioning && overrides.size > 0) {
    throw new FloeError("FLOE_CONFIG_INVALID", "a cron schedule for a partitioned product: each job already runs once per partition", {
      path: "scheduleJob.jobName",
      hint: "drop scheduleJob, or the product's orchestration.partitioning",
    });
  }
  // Build mode hands dbt no partition window and runs no freshness check first: such products run per model.
  const needsPerModel =
    partitioning !== null || (artifacts.transforms?.models ?? []).some((m) => (m.sources ?? []).some((source) => source.freshness));
  const executionMode = options.executionMode === "build" && needsPerModel ? "per_model" : options.executionMode;
  const executionModeNote =
    executionMode === options.executionMode
      ? null
      : `Airflow execution mode per_model instead of build: the product ${partitioning !== null ? "is partitioned" : "reads sources with dbt freshness checks"}, which build mode does not run yet`;
  const schedules = collectSchedules(artifacts, jobNames, overrides);
  const meta = artifacts.metadata;
  const source = {
    product: meta.product_name,
    productVersion: meta.product_version,
    compiledAt: meta.compiled_at,
    floeVersion: meta.floe_version,
    artifactsVersion: artifacts.version,
    sourceHash: meta.source_hash,
  };
  // Parsed and checked once; each DAG only selects its tasks.
  const checked = checkTransforms(transforms, "transforms.models");
  const dags: AirflowDagSpec[] = jobs.map((job) => {
    const tasks = taskSpecsFor(checked, new Set(job.models));
    const description = job.description ?? `${job.name} (floe job)`;
    return {
      dagId: safeName(job.name, AIRFLOW_ID_RULES),
      fileName: dagFileName(job.name),
      job: job.name,
      isDefault: job.isDefault,
      description,
      tags: [...new Set(["floe", ...options.tags])],
      schedule: schedules.get(job.name) ?? null,
      tasks,
      freshness: freshnessTasks(artifacts, tasks),
      sourceInlets: sourceInlets(artifacts, tasks),
      productOutlets: Object.fromEntries(
        tasks.flatMap((t) => (triggers.outlets.has(t.model) ? [[t.taskId, [triggers.outlets.get(t.model)!]]] : [])),
      ),
      assetSchedule: job.isDefault && triggers.schedule.length > 0 ? [...triggers.schedule] : null,
      // A DAG without models (artifacts without models) gets no build task: nothing to build.
      buildTaskId: executionMode === "build" && tasks.length > 0 ? buildTaskIdFor(tasks) : null,
      docMd: renderDocMd(job.name, description, tasks.length, source, executionMode),
    };
  });
  checkDistinct(
    dags.map((d) => d.fileName),
    "DAG file names",
  );
  return {
    source,
    generator,
    defaults: {
      owner: options.owner,
      retries: options.retries,
      retryDelaySeconds: options.retryDelaySeconds,
      retryExponentialBackoff: options.retryExponentialBackoff,
      maxRetryDelaySeconds: options.maxRetryDelaySeconds,
      executionTimeoutSeconds: options.executionTimeoutSeconds,
      retryTestFailures: options.retryTestFailures,
    },
    dbt: {
      executable: options.dbtExecutable,
      command: options.dbtCommand,
      projectDir: options.dbtProjectDir ?? null,
      profilesDir: options.dbtProfilesDir ?? null,
      target: options.dbtTarget ?? null,
    },
    executionMode,
    executionModeNote,
    dags,
    partitioning,
  };
}

/** `dbt_build`, or with as many `_` appended as it takes to differ from every model's task id. */
export function buildTaskIdFor(tasks: ReadonlyArray<AirflowTaskSpec>): string {
  const taken = new Set(tasks.map((t) => t.taskId));
  let id = "dbt_build";
  while (taken.has(id)) id += "_";
  return id;
}

function collectSchedules(
  artifacts: ValidatedArtifacts,
  jobNames: ReadonlySet<string>,
  overrides: ReadonlyMap<string, ScheduleOverride>,
): Map<string, AirflowSchedule> {
  const result = new Map<string, AirflowSchedule>();
  // Parsed once by floe-core's parser; Airflow adds no refusal of its own.
  const parsed = validatedSchedules(artifacts);
  (artifacts.orchestration?.schedules ?? []).forEach((schedule, i) => {
    const where = `orchestration.schedules[${i}]`;
    if (!jobNames.has(schedule.job)) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `schedule runs job "${schedule.job}", which is not defined`, {
        path: `${where}.job`,
        hint: "name the product (its default job) or a job from orchestration.jobs",
      });
    }
    if (overrides.has(schedule.job)) return;
    const valid = parsed[i]!;
    const existing = result.get(schedule.job);
    if (!existing) {
      result.set(schedule.job, { crons: [valid.cron], timezone: valid.timezone, enabled: schedule.enabled });
      return;
    }
    if (existing.timezone !== valid.timezone || existing.enabled !== schedule.enabled) {
      throw new FloeError(
        "FLOE_ARTIFACTS_INVALID",
        `job "${schedule.job}" has schedules in different time zones or states; one Airflow DAG has one timetable`,
        {
          path: `${where}.timezone`,
          hint: "give all schedules of a job the same timezone and enabled flag, or split the job",
        },
      );
    }
    if (!existing.crons.includes(valid.cron)) existing.crons.push(valid.cron);
  });
  for (const [job, o] of overrides) result.set(job, { crons: [o.cron], timezone: o.timezone, enabled: true });
  return result;
}

/** One freshness task per source with dbt `freshness` that a task of the DAG reads; dbt's own thresholds decide. */
export function freshnessTasks(artifacts: CompiledArtifacts, tasks: ReadonlyArray<AirflowTaskSpec>): AirflowFreshnessTask[] {
  const byModel = new Map((artifacts.transforms?.models ?? []).map((m) => [m.name, m]));
  const taskIds = new Set(tasks.map((t) => t.taskId));
  const checks = new Map<string, AirflowFreshnessTask>();
  for (const task of tasks) {
    for (const source of byModel.get(task.model)?.sources ?? []) {
      if (!source.freshness) continue;
      let check = checks.get(source.unique_id);
      if (!check) {
        let taskId = safeName(`freshness__${source.source_name}__${source.name}`, AIRFLOW_ID_RULES);
        for (let n = 2; taskIds.has(taskId); n++)
          taskId = safeName(`freshness__${source.source_name}__${source.name}_${n}`, AIRFLOW_ID_RULES);
        taskIds.add(taskId);
        check = { taskId, selector: `source:${source.source_name}.${source.name}`, downstream: [], upstream: [] };
        checks.set(source.unique_id, check);
      }
      if (!check.downstream.includes(task.taskId)) check.downstream.push(task.taskId);
    }
  }
  const byTask = new Map(tasks.map((t) => [t.taskId, t]));
  const children = new Map<string, string[]>();
  for (const task of tasks) for (const up of task.upstream) children.set(up, [...(children.get(up) ?? []), task.taskId]);
  for (const check of checks.values()) {
    const descendants = new Set<string>();
    const stack = [...check.downstream];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (descendants.has(id)) continue;
      descendants.add(id);
      stack.push(...(children.get(id) ?? []));
    }
    const upstream = new Set(check.downstream.flatMap((id) => byTask.get(id)?.upstream ?? []));
    check.upstream = [...upstream].filter((id) => !descendants.has(id));
  }
  return [...checks.values()];
}

/**
 * The Asset of a dbt source: named by its dbt unique_id, its URI the relation it reads
 * (`dbt-source://<database>/<schema>/<table>`, each part percent-encoded), so products reading one
 * table name one Asset.
 */
export function sourceAsset(source: SourceRef): { name: string; uri: string } {
  const part = (value: string) => encodeURIComponent(value);
  const uri = `dbt-source://${part(source.database || "default")}/${part(source.schema || source.source_name)}/${part(source.identifier || source.name)}`;
  return { name: source.unique_id, uri };
}

function sourceInlets(
  artifacts: CompiledArtifacts,
  tasks: ReadonlyArray<AirflowTaskSpec>,
): Record<string, Array<{ name: string; uri: string }>> {
  const byModel = new Map((artifacts.transforms?.models ?? []).map((m) => [m.name, m]));
  const inlets: Record<string, Array<{ name: string; uri: string }>> = {};
  for (const task of tasks) {
    const sources = byModel.get(task.model)?.sources ?? [];
    if (sources.length > 0) inlets[task.taskId] = sources.map(sourceAsset);
  }
  return inlets;
}

function checkDistinct(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new FloeError("FLOE_INTERNAL", `${what} collide on ${v}`, { hint: "report this floe bug" });
    seen.add(v);
  }
}

function renderDocMd(
  job: string,
  description: string,
  taskCount: number,
  source: AirflowDefinitionsModel["source"],
  mode: "build" | "per_model",
): string {
  // Markdown shown in the Airflow UI; user text is inline code so it cannot add markup, and the
  // final line is fixed so the value never ends in ".md" (Airflow would read it as a file path).
  const code = (value: string) => `\`${value.replace(/[`\r\n]/g, " ")}\``;
  return [
    `### ${code(job)}`,
    "",
    description.replace(/[\r\n]+/g, " "),
    "",
    mode === "build"
      ? `Builds ${taskCount} dbt model${taskCount === 1 ? "" : "s"} in one dbt invocation (the build task); each model's task then reports its result, log lines and timing.`
      : `Runs ${taskCount} dbt model${taskCount === 1 ? "" : "s"}, one task each, in dependency order.`,
    "",
    "| source artifacts | |",
    "| --- | --- |",
    `| product | ${code(source.product)} |`,
    `| product version | ${code(source.productVersion)} |`,
    `| compiled at | ${code(source.compiledAt)} |`,
    `| floe version | ${code(source.floeVersion)} |`,
    `| artifacts version | ${code(source.artifactsVersion)} |`,
    `| source hash | ${code(source.sourceHash)} |`,
    "",
    "Generated by floe; regenerate with `floe generate` instead of editing.",
  ].join("\n");
}
