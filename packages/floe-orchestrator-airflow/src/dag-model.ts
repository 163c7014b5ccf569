/** The typed model of what Airflow will run: one DAG per job, each with its tasks, edges and schedule. */
import {
  FloeError,
  resolveJobs,
  safeName,
  transformsFromArtifacts,
  validateSchedule,
  type CompiledArtifacts,
} from "floe-core";
import type { AirflowPluginOptions } from "./options.js";
import { AIRFLOW_ID_RULES, createTaskSpecs, type AirflowTaskSpec } from "./task-specs.js";

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
  /** Build mode: the id of the task that runs dbt once for the whole selection (distinct from every model's task id). */
  buildTaskId: string | null;
  docMd: string;
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
  dags: AirflowDagSpec[];
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

export function buildAirflowModel(
  artifacts: CompiledArtifacts,
  options: AirflowPluginOptions,
  overrides: ReadonlyMap<string, ScheduleOverride>,
  generator: { package: string; version: string; coreVersion: string },
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
  const dags: AirflowDagSpec[] = jobs.map((job) => {
    const tasks = createTaskSpecs(transforms, { selection: new Set(job.models), where: "transforms.models" });
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
      buildTaskId: options.executionMode === "build" ? buildTaskIdFor(tasks) : null,
      docMd: renderDocMd(job.name, description, tasks.length, source, options.executionMode),
    };
  });
  checkDistinct(dags.map((d) => d.fileName), "DAG file names");
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
    },
    dbt: {
      executable: options.dbtExecutable,
      command: options.dbtCommand,
      projectDir: options.dbtProjectDir ?? null,
      profilesDir: options.dbtProfilesDir ?? null,
      target: options.dbtTarget ?? null,
    },
    executionMode: options.executionMode,
    dags,
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
  artifacts: CompiledArtifacts,
  jobNames: ReadonlySet<string>,
  overrides: ReadonlyMap<string, ScheduleOverride>,
): Map<string, AirflowSchedule> {
  const result = new Map<string, AirflowSchedule>();
  (artifacts.orchestration?.schedules ?? []).forEach((schedule, i) => {
    const where = `orchestration.schedules[${i}]`;
    if (!jobNames.has(schedule.job)) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `schedule runs job "${schedule.job}", which is not defined`, {
        path: `${where}.job`,
        hint: "name the product (its default job) or a job from orchestration.jobs",
      });
    }
    if (overrides.has(schedule.job)) return;
    let valid;
    try {
      valid = validateSchedule(schedule.cron, schedule.timezone, "airflow");
    } catch (error) {
      const e = error as FloeError;
      throw new FloeError(e.code, e.message, { path: `${where}.${e.path ?? "cron"}`, hint: e.hint, cause: error });
    }
    const existing = result.get(schedule.job);
    if (!existing) {
      result.set(schedule.job, { crons: [valid.cron], timezone: valid.timezone, enabled: schedule.enabled });
      return;
    }
    if (existing.timezone !== valid.timezone || existing.enabled !== schedule.enabled) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `job "${schedule.job}" has schedules in different time zones or states; one Airflow DAG has one timetable`, {
        path: `${where}.timezone`,
        hint: "give all schedules of a job the same timezone and enabled flag, or split the job",
      });
    }
    if (!existing.crons.includes(valid.cron)) existing.crons.push(valid.cron);
  });
  for (const [job, o] of overrides) result.set(job, { crons: [o.cron], timezone: o.timezone, enabled: true });
  return result;
}

function checkDistinct(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new FloeError("FLOE_INTERNAL", `${what} collide on ${v}`, { hint: "report this floe bug" });
    seen.add(v);
  }
}

function renderDocMd(job: string, description: string, taskCount: number, source: AirflowDefinitionsModel["source"], mode: "build" | "per_model"): string {
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
