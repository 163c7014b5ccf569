/** Renders the Airflow model to DAG modules. Pure and deterministic: same model, same bytes. */
import { dbtNodeArgs, pyLiteral, pyString, shellQuote, type DbtNodeCommand, type GeneratedFile } from "floe-core";
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
  return ["# dbt model -> (inputs, outputs) as (namespace, name): the OpenLineage datasets of its task's events.", "LINEAGE = {", ...entries, "}", ""];
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
  if (dag.schedule === null) return { expression: "None", imports: [] };
  const tz = `timezone=${pyString(dag.schedule.timezone)}`;
  if (dag.schedule.crons.length === 1) {
    return { expression: `CronTriggerTimetable(${pyString(dag.schedule.crons[0]!)}, ${tz})`, imports: ["CronTriggerTimetable"] };
  }
  const crons = dag.schedule.crons.map(pyString).join(", ");
  return { expression: `MultipleCronTriggerTimetable(${crons}, ${tz})`, imports: ["MultipleCronTriggerTimetable"] };
}

function renderDagModule(model: AirflowDefinitionsModel, dag: AirflowDagSpec, lineage?: AirflowLineage): string {
  const { source, generator, defaults } = model;
  const schedule = renderSchedule(dag);
  const project = projectDirLines(model);
  const sdkImports = ["DAG", ...schedule.imports].sort();
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
    `from airflow.sdk import ${sdkImports.join(", ")}`,
    "from floe_runtime.airflow import DbtModelOperator, set_upstream_tasks",
    "",
    `DBT_COMMAND = ${pyString(dbtShellCommand(model.dbt.command))}`,
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
    `DOC_MD = ${pyString(dag.docMd)}`,
    "",
    "with DAG(",
    `    dag_id=${pyString(dag.dagId)},`,
    `    description=${pyString(dag.description)},`,
    "    doc_md=DOC_MD,",
    `    schedule=${schedule.expression},`,
    "    catchup=False,",
    "    max_active_runs=1,",
    `    is_paused_upon_creation=${dag.schedule !== null && !dag.schedule.enabled ? "True" : "False"},`,
    `    tags=${pyLiteral(dag.tags)},`,
    ") as dag:",
    "    # DbtModelOperator templates nothing: the model name reaches dbt only as FLOE_DBT_MODEL.",
    "    tasks = {",
    "        task_id: DbtModelOperator(",
    "            task_id=task_id,",
    "            bash_command=DBT_COMMAND,",
    '            env={**DBT_ENV, "FLOE_DBT_MODEL": model},',
    "            append_env=True,",
    ...(model.dbt.projectDir !== null ? ['            cwd=DBT_ENV["DBT_PROJECT_DIR"],'] : []),
    "            skip_on_exit_code=None,",
    ...(lineage ? ["            lineage=LINEAGE[model],"] : []),
    "            **{**TASK_ARGS, **TASK_SETTINGS.get(task_id, {})},",
    "        )",
    "        for task_id, (model, _) in TASKS.items()",
    "    }",
    "    # The edges `upstream >> task` sets, in time linear in the DAG's size (`>>` is quadratic in it).",
    "    set_upstream_tasks(tasks, {task_id: upstream for task_id, (_, upstream) in TASKS.items()})",
    "",
  ];
  return lines.join("\n");
}
