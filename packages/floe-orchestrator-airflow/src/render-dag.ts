/** Renders the Airflow model to DAG modules. Pure and deterministic: same model, same bytes. */
import {
  dbtNodeArgs,
  dbtSelectionArgs,
  pyLiteral,
  pyString,
  shellQuote,
  type DbtNodeCommand,
  type GeneratedFile,
  type ResolvedPartitioning,
} from "floe-core";
import type { AirflowDagSpec, AirflowDefinitionsModel } from "./dag-model.js";
import { renderLineageEnvFile, type AirflowLineage } from "./render-lineage.js";

/**
 * The one shell line every task runs. It contains no user text: the model name and the dbt settings
 * arrive as environment variables, and "$VAR" inside double quotes is one argument, never code.
 * The arguments are floe-core's `dbtNodeArgs`, as the Dagster plugin runs them.
 */
export function dbtShellCommand(command: DbtNodeCommand): string {
  const model = Symbol("model");
  const args = dbtNodeArgs(command, model).map((arg) => (arg === model ? '"$FLOE_DBT_MODEL"' : shellQuote(arg as string)));
  return `exec "$FLOE_DBT_EXECUTABLE" ${args.join(" ")}`;
}

export function renderAirflowFiles(model: AirflowDefinitionsModel, lineage?: AirflowLineage): GeneratedFile[] {
  const dags = model.dags.map((dag) => ({ path: dag.fileName, content: renderDagModule(model, dag, lineage) }));
  return lineage ? [...dags, renderLineageEnvFile(lineage, model.generator)] : dags;
}

/** The datasets of the DAG's models: floe-runtime's DbtModelOperator hands them to the OpenLineage provider. */
function lineageConstant(lineage: AirflowLineage | undefined, dag: AirflowDagSpec): string[] {
  if (!lineage) return [];
  const entries = dag.tasks.map((t) => `    ${pyString(t.model)}: ${pyLiteral(lineage.models[t.model] ?? [[], []])},`);
  return [
    "# dbt model -> (inputs, outputs) as (namespace, name): the OpenLineage datasets of its task's events.",
    "LINEAGE = {",
    ...entries,
    "}",
    "",
  ];
}

/**
 * Per-task overrides of TASK_ARGS from the models' run settings (dbt meta `floe`): only the tasks and
 * keys that set one. A data test failure is retried only with retry_test_failures (DbtModelOperator).
 */
function taskSettingsConstant(dag: AirflowDagSpec): string[] {
  const entries: string[] = [];
  for (const task of dag.tasks) {
    const s = task.runSettings;
    if (s === null) continue;
    const items: string[] = [];
    if (s.retries != null) items.push(`"retries": ${s.retries}`);
    if (s.retry_delay_seconds != null) items.push(`"retry_delay": timedelta(seconds=${s.retry_delay_seconds})`);
    if (s.pool != null) items.push(`"pool": ${pyString(s.pool)}`);
    if (s.timeout_seconds != null) items.push(`"execution_timeout": timedelta(seconds=${s.timeout_seconds})`);
    if (s.retry_test_failures != null) items.push(`"retry_test_failures": ${s.retry_test_failures ? "True" : "False"}`);
    if (items.length > 0) entries.push(`    ${pyString(task.taskId)}: {${items.join(", ")}},`);
  }
  return [
    "# Per-task settings from the models' dbt meta `floe` (retries, retry_delay, pool, execution_timeout, retry_test_failures).",
    ...(entries.length > 0 ? ["TASK_SETTINGS = {", ...entries, "}"] : ["TASK_SETTINGS = {}"]),
    "",
  ];
}

function dbtEnvironment(model: AirflowDefinitionsModel): Record<string, string> {
  const env: Record<string, string> = { FLOE_DBT_EXECUTABLE: model.dbt.executable };
  // dbt reads these itself; unset ones fall back to the worker's own environment. Tasks also run in
  // the project directory, so a profiles.yml kept there is found and relative paths resolve there.
  if (model.dbt.projectDir !== null && isAbsolutePath(model.dbt.projectDir)) env.DBT_PROJECT_DIR = model.dbt.projectDir;
  if (model.dbt.profilesDir !== null) env.DBT_PROFILES_DIR = model.dbt.profilesDir;
  if (model.dbt.target !== null) env.DBT_TARGET = model.dbt.target;
  return env;
}

/** Absolute on POSIX or Windows, whatever machine renders. */
function isAbsolutePath(path: string): boolean {
  return /^(?:[\\/]|[A-Za-z]:[\\/])/.test(path);
}

/** A relative project dir is relative to the DAG file, so the dags folder can be moved with its project. */
function projectDirLines(model: AirflowDefinitionsModel): { imports: string[]; lines: string[]; env: string } {
  const dir = model.dbt.projectDir;
  const env = `DBT_ENV = ${pyLiteral(dbtEnvironment(model), 4)}`;
  if (dir === null || isAbsolutePath(dir)) return { imports: [], lines: [], env };
  return {
    imports: ["import os", "from pathlib import Path"],
    lines: [
      `# The dbt project: ${PROJECT_ENV} when set on the worker, else the path below, relative to this file.`,
      `DBT_PROJECT_DIR = os.environ.get(${pyString(PROJECT_ENV)}) or os.fspath((Path(__file__).parent / ${pyString(dir)}).resolve())`,
    ],
    env: `DBT_ENV = {**${pyLiteral(dbtEnvironment(model), 4)}, "DBT_PROJECT_DIR": DBT_PROJECT_DIR}`,
  };
}

const PROJECT_ENV = "FLOE_DBT_PROJECT_DIR";

function renderSchedule(dag: AirflowDagSpec): { expression: string; imports: string[] } {
  // Runs once every consumed Asset has been updated since its last run (a list of Assets is their AND).
  if (dag.assetSchedule !== null)
    return { expression: `[${PRODUCT_ASSET} for uri in ${pyLiteral(dag.assetSchedule)}]`, imports: ["Asset"] };
  if (dag.schedule === null) return { expression: "None", imports: [] };
  const tz = `timezone=${pyString(dag.schedule.timezone)}`;
  if (dag.schedule.crons.length === 1) {
    return { expression: `CronTriggerTimetable(${pyString(dag.schedule.crons[0]!)}, ${tz})`, imports: ["CronTriggerTimetable"] };
  }
  const crons = dag.schedule.crons.map(pyString).join(", ");
  return { expression: `MultipleCronTriggerTimetable(${crons}, ${tz})`, imports: ["MultipleCronTriggerTimetable"] };
}

// --- Partitions (orchestration.partitioning) -------------------------------------------------------

/** The env var carrying the run's window to dbt (`--vars "$FLOE_DBT_VARS"`), set by partition_vars_env. */
const VARS_ENV = "FLOE_DBT_VARS";

/** A partitioned DAG: a data-interval timetable from the first window on, each task handed its run's interval. */
function renderPartitionedSchedule(p: ResolvedPartitioning): { expression: string; imports: string[]; startDate: string } {
  const [y, m, d] = p.start.date.split("-").map(Number) as [number, number, number];
  return {
    expression: `CronDataIntervalTimetable(${pyString(p.cron)}, timezone=PARTITION_TIMEZONE)`,
    imports: ["CronDataIntervalTimetable"],
    startDate: `pendulum.datetime(${y}, ${m}, ${d}, ${p.start.hour}, tz=PARTITION_TIMEZONE)`,
  };
}

function partitionLines(p: ResolvedPartitioning): string[] {
  return [
    `# One run per ${p.granularity === "daily" ? "day" : "hour"} (data interval) from ${p.start.date}${p.granularity === "hourly" ? ` ${String(p.start.hour).padStart(2, "0")}:00` : ""}; each task gets its run's interval as dbt vars.`,
    `PARTITION_TIMEZONE = ${pyString(p.timezone)}`,
    `PARTITION_VAR_START = ${pyString(p.vars.start)}`,
    `PARTITION_VAR_END = ${pyString(p.vars.end)}`,
    "",
    "",
    "def partition_vars_env(context):",
    `    """pre_execute hook: the run's data interval, start (inclusive) and end (exclusive), ISO 8601 in the partitions' zone, as ${VARS_ENV}."""`,
    "    window_vars = {",
    '        PARTITION_VAR_START: context["data_interval_start"].in_timezone(PARTITION_TIMEZONE).isoformat(),',
    '        PARTITION_VAR_END: context["data_interval_end"].in_timezone(PARTITION_TIMEZONE).isoformat(),',
    "    }",
    '    task = context["task"]',
    `    task.env = {**task.env, ${pyString(VARS_ENV)}: json.dumps(window_vars)}`,
    "",
    "",
  ];
}

// --- Source freshness (sources with dbt `freshness`) ------------------------------------------------

/** `dbt source freshness` for one source, named only through FLOE_DBT_SOURCE: exit 1 past error_after, 0 with a warning past warn_after. */
export const FRESHNESS_COMMAND = 'exec "$FLOE_DBT_EXECUTABLE" source freshness --select "$FLOE_DBT_SOURCE"';

function freshnessConstant(dag: AirflowDagSpec): string[] {
  if (dag.freshness.length === 0) return [];
  return [
    "# freshness task id -> (dbt source selector, model task ids that wait for it, task ids it waits for)",
    "FRESHNESS = {",
    ...dag.freshness.map(
      (f) => `    ${pyString(f.taskId)}: (${pyString(f.selector)}, ${pyLiteral(f.downstream)}, ${pyLiteral(f.upstream)}),`,
    ),
    "}",
    "",
  ];
}

/** The Assets of one product's models that another product of the output consumes: the data triggers. */
const PRODUCT_ASSET = 'Asset(name=uri, uri=uri, group="floe_product")';

function outletsConstant(dag: AirflowDagSpec): string[] {
  const entries = Object.entries(dag.productOutlets);
  if (entries.length === 0) return [];
  return [
    "# task id -> the Assets its model's updates emit (another product consumes them): the task's outlets.",
    "PRODUCT_OUTLETS = {",
    ...entries.map(([taskId, uris]) => `    ${pyString(taskId)}: ${pyLiteral(uris)},`),
    "}",
    "",
  ];
}

function outletsArgument(dag: AirflowDagSpec): string[] {
  return Object.keys(dag.productOutlets).length > 0
    ? [`            outlets=[${PRODUCT_ASSET} for uri in PRODUCT_OUTLETS.get(task_id, [])],`]
    : [];
}

function inletsConstant(dag: AirflowDagSpec): string[] {
  const entries = Object.entries(dag.sourceInlets);
  if (entries.length === 0) return [];
  return [
    "# task id -> the dbt sources its model reads, as (Asset name, Asset URI): the task's inlets.",
    "SOURCE_INLETS = {",
    ...entries.map(([taskId, assets]) => `    ${pyString(taskId)}: ${pyLiteral(assets.map((a) => [a.name, a.uri]))},`),
    "}",
    "",
  ];
}

function freshnessTaskLines(model: AirflowDefinitionsModel, dag: AirflowDagSpec): string[] {
  if (dag.freshness.length === 0) return [];
  return [
    "    # dbt source freshness before the models reading each source: past error_after the task fails and",
    "    # those models do not run; past warn_after dbt logs a warning and they run. Never retried: waiting does not make data fresh.",
    "    freshness = {",
    "        task_id: DbtModelOperator(",
    "            task_id=task_id,",
    `            bash_command=${pyString(FRESHNESS_COMMAND)},`,
    '            env={**DBT_ENV, "FLOE_DBT_SOURCE": selector},',
    "            append_env=True,",
    ...(model.dbt.projectDir !== null ? ['            cwd=DBT_ENV["DBT_PROJECT_DIR"],'] : []),
    "            skip_on_exit_code=None,",
    '            **{**TASK_ARGS, "retries": 0},',
    "        )",
    "        for task_id, (selector, _, _) in FRESHNESS.items()",
    "    }",
    "    tasks.update(freshness)",
    "    upstream_freshness = {task_id: upstream for task_id, (_, _, upstream) in FRESHNESS.items()}",
    "    for task_id, (_, downstream, _) in FRESHNESS.items():",
    "        for model_task in downstream:",
    "            upstream_freshness.setdefault(model_task, []).append(task_id)",
    "    set_upstream_tasks(tasks, upstream_freshness)",
  ];
}

// ---------------------------------------------------------------------------------------------------

function renderDagModule(model: AirflowDefinitionsModel, dag: AirflowDagSpec, lineage?: AirflowLineage): string {
  const { source, generator, defaults } = model;
  const partitioning = model.partitioning;
  const partitioned = partitioning ? renderPartitionedSchedule(partitioning) : null;
  const schedule = partitioned ?? renderSchedule(dag);
  const project = projectDirLines(model);
  const usesAssets = Object.keys(dag.sourceInlets).length > 0 || Object.keys(dag.productOutlets).length > 0;
  const sdkImports = [...new Set(["DAG", ...schedule.imports, ...(usesAssets ? ["Asset"] : [])])].sort();
  if (partitioning) {
    project.imports = [...new Set(["import json", ...project.imports])].sort();
  }
  const dbtCommand = dbtShellCommand(model.dbt.command) + (partitioning ? ` --vars "$${VARS_ENV}"` : "");
  const pausedOnCreation = partitioning ? !dag.isDefault : dag.schedule !== null && !dag.schedule.enabled;
  const build = dag.buildTaskId !== null;
  // One line per task keeps large DAGs readable and quick to parse.
  const taskLines = dag.tasks.map((t) => `    ${pyString(t.taskId)}: (${pyString(t.model)}, ${pyLiteral(t.upstream)}),`);
  const lines = [
    `# Generated by ${generator.package} ${generator.version} (floe-core ${generator.coreVersion}). Do not edit: run \`floe generate\` again.`,
    `# Source: compiled artifacts of product ${pyString(source.product)} version ${pyString(source.productVersion)},`,
    `# compiled at ${pyString(source.compiledAt)} by floe ${pyString(source.floeVersion)}; job ${pyString(dag.job)}.`,
    '"""Airflow DAG generated by floe: one dbt task per model of the job named above."""',
    "",
    ...project.imports.filter((line) => line.startsWith("import ")),
    "from datetime import timedelta",
    ...project.imports.filter((line) => line.startsWith("from ")),
    "",
    ...(partitioning ? ["import pendulum"] : []),
    `from airflow.sdk import ${sdkImports.join(", ")}`,
    build
      ? "from floe_runtime.airflow import DbtBuildOperator, DbtModelResultOperator, set_upstream_tasks"
      : "from floe_runtime.airflow import DbtModelOperator, set_upstream_tasks",
    "",
    `DBT_COMMAND = ${pyString(dbtCommand)}`,
    ...project.lines,
    project.env,
    "",
    "# Passed to every task directly rather than as default_args, which Airflow deep-copies per task.",
    "TASK_ARGS = {",
    `    "owner": ${pyString(defaults.owner)},`,
    `    "retries": ${defaults.retries},`,
    `    "retry_delay": timedelta(seconds=${defaults.retryDelaySeconds}),`,
    `    "retry_exponential_backoff": ${pyLiteral(defaults.retryExponentialBackoff)},`,
    `    "max_retry_delay": timedelta(seconds=${defaults.maxRetryDelaySeconds}),`,
    `    "execution_timeout": timedelta(seconds=${defaults.executionTimeoutSeconds}),`,
    `    "retry_test_failures": ${defaults.retryTestFailures ? "True" : "False"},`,
    "}",
    "",
    ...taskSettingsConstant(dag),
    "# task id -> (dbt model name, upstream task ids)",
    "TASKS = {",
    ...taskLines,
    "}",
    "",
    ...lineageConstant(lineage, dag),
    ...freshnessConstant(dag),
    ...inletsConstant(dag),
    ...outletsConstant(dag),
    `DOC_MD = ${pyString(dag.docMd)}`,
    "",
    ...(partitioning ? partitionLines(partitioning) : []),
    "with DAG(",
    `    dag_id=${pyString(dag.dagId)},`,
    `    description=${pyString(dag.description)},`,
    "    doc_md=DOC_MD,",
    `    schedule=${schedule.expression},`,
    ...(partitioned
      ? [
          `    start_date=${partitioned.startDate},`,
          "    # Past windows run by backfill (`airflow backfill create`), not all at once when the DAG appears.",
        ]
      : []),
    "    catchup=False,",
    "    max_active_runs=1,",
    `    is_paused_upon_creation=${pausedOnCreation ? "True" : "False"},`,
    `    tags=${pyLiteral(dag.tags)},`,
    ") as dag:",
    ...(build ? buildModeTasks(model, dag, lineage) : perModelTasks(model, dag, lineage)),
    "    # The edges `upstream >> task` sets, in time linear in the DAG's size (`>>` is quadratic in it).",
    ...(build
      ? [
          "    # The models without an upstream model wait for the build; the others wait for their upstream models.",
          `    set_upstream_tasks({**tasks, ${pyString(dag.buildTaskId!)}: build}, {task_id: upstream or [${pyString(dag.buildTaskId!)}] for task_id, (_, upstream) in TASKS.items()})`,
        ]
      : ["    set_upstream_tasks(tasks, {task_id: upstream for task_id, (_, upstream) in TASKS.items()})"]),
    ...freshnessTaskLines(model, dag),
    "",
  ];
  return lines.join("\n");
}

function perModelTasks(model: AirflowDefinitionsModel, dag: AirflowDagSpec, lineage: AirflowLineage | undefined): string[] {
  const partitioning = model.partitioning;
  return [
    "    # DbtModelOperator templates nothing: the model name reaches dbt only as FLOE_DBT_MODEL.",
    "    tasks = {",
    "        task_id: DbtModelOperator(",
    "            task_id=task_id,",
    "            bash_command=DBT_COMMAND,",
    '            env={**DBT_ENV, "FLOE_DBT_MODEL": model},',
    "            append_env=True,",
    ...(model.dbt.projectDir !== null ? ['            cwd=DBT_ENV["DBT_PROJECT_DIR"],'] : []),
    "            skip_on_exit_code=None,",
    ...(partitioning ? ["            pre_execute=partition_vars_env,"] : []),
    ...(Object.keys(dag.sourceInlets).length > 0
      ? ['            inlets=[Asset(name=name, uri=uri, group="dbt_source") for name, uri in SOURCE_INLETS.get(task_id, [])],']
      : []),
    ...outletsArgument(dag),
    ...(lineage ? ["            lineage=LINEAGE[model],"] : []),
    "            **{**TASK_ARGS, **TASK_SETTINGS.get(task_id, {})},",
    "        )",
    "        for task_id, (model, _) in TASKS.items()",
    "    }",
  ];
}

/**
 * Build mode: one DbtBuildOperator runs dbt once for the selection (argv, no shell) and publishes each
 * model's result; each model's DbtModelResultOperator reports it (and on a retry runs DBT_COMMAND for
 * its model alone, as per-model mode does).
 */
function buildModeTasks(model: AirflowDefinitionsModel, dag: AirflowDagSpec, lineage: AirflowLineage | undefined): string[] {
  const selection = Symbol("selection");
  const args = dbtSelectionArgs(model.dbt.command, [selection]).map((arg) => (arg === selection ? "*SELECTION" : pyString(arg as string)));
  const cwd = model.dbt.projectDir !== null ? ['            cwd=DBT_ENV["DBT_PROJECT_DIR"],'] : [];
  return [
    "    # One dbt invocation for the whole selection, selected as plain dbt selects: a failing model skips",
    "    # its dependents, independent branches go on. The model names reach dbt as argv items, never a shell.",
    "    SELECTION = [model for model, _ in TASKS.values()]",
    "    build = DbtBuildOperator(",
    `        task_id=${pyString(dag.buildTaskId!)},`,
    '        dbt_executable=DBT_ENV["FLOE_DBT_EXECUTABLE"],',
    `        dbt_args=[${args.join(", ")}],`,
    "        tasks={model: task_id for task_id, (model, _) in TASKS.items()},",
    "        env=DBT_ENV,",
    ...(model.dbt.projectDir !== null ? ['        cwd=DBT_ENV["DBT_PROJECT_DIR"],'] : []),
    "        # retry_test_failures is a model task's setting: the build task reports dbt's results, it judges none.",
    '        **{key: value for key, value in TASK_ARGS.items() if key != "retry_test_failures"},',
    "    )",
    "    # Each model's task reports the build's result for its model: state, log lines, dbt's timing.",
    "    tasks = {",
    "        task_id: DbtModelResultOperator(",
    "            task_id=task_id,",
    `            producer_task_id=${pyString(dag.buildTaskId!)},`,
    "            bash_command=DBT_COMMAND,",
    '            env={**DBT_ENV, "FLOE_DBT_MODEL": model},',
    "            append_env=True,",
    ...cwd,
    "            skip_on_exit_code=None,",
    ...(Object.keys(dag.sourceInlets).length > 0
      ? ['            inlets=[Asset(name=name, uri=uri, group="dbt_source") for name, uri in SOURCE_INLETS.get(task_id, [])],']
      : []),
    ...outletsArgument(dag),
    ...(lineage ? ["            lineage=LINEAGE[model],"] : []),
    "            **{**TASK_ARGS, **TASK_SETTINGS.get(task_id, {})},",
    "        )",
    "        for task_id, (model, _) in TASKS.items()",
    "    }",
  ];
}
