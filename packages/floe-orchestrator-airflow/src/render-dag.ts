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

/**
 * `airflow dags test` creates its run already RUNNING and never calls the listeners' on_dag_run_running,
 * so the OpenLineage provider sends no START for the DAG run there (the scheduler does, in a deployment).
 * The first task of such a run in the process sends it through the provider's own adapter, which names the
 * run exactly as the provider's COMPLETE/FAIL will. Runs are recognised by the user `dags test` records.
 */
const DAG_TEST_RUN_STARTED = [
  "# Run ids of `airflow dags test` runs whose OpenLineage START this process has sent.",
  "_DAG_TEST_RUNS_STARTED = set()",
  "",
  "",
  "def dag_test_run_started(context):",
  '    """Sends the DAG run\'s OpenLineage START under `airflow dags test`, once per run in this process.',
  "",
  "    `dags test` creates its run already RUNNING without notifying listeners, so the provider never",
  "    sends that START; in a deployment the scheduler does and this returns at once. Lineage never",
  "    fails a task: errors are logged.",
  '    """',
  '    dag_run = context["dag_run"]',
  '    if getattr(dag_run, "triggering_user_name", None) != "dag_test" or dag_run.run_id in _DAG_TEST_RUNS_STARTED:',
  "        return",
  "    _DAG_TEST_RUNS_STARTED.add(dag_run.run_id)",
  "    try:",
  "        from airflow.providers.openlineage import conf",
  "        from airflow.providers.openlineage.plugins.adapter import OpenLineageAdapter",
  "    except ImportError:",
  "        return",
  "    try:",
  "        if conf.is_disabled():",
  "            return",
  '        dag = context["dag"]',
  "        OpenLineageAdapter().dag_started(",
  "            dag_id=dag_run.dag_id,",
  "            run_id=dag_run.run_id,",
  "            logical_date=dag_run.logical_date or dag_run.run_after,",
  "            start_date=dag_run.start_date or dag_run.run_after,",
  "            nominal_start_time=dag_run.data_interval_start.isoformat() if dag_run.data_interval_start else None,",
  "            nominal_end_time=dag_run.data_interval_end.isoformat() if dag_run.data_interval_end else None,",
  '            owners=[owner.strip() for owner in dag.owner.split(",")],',
  "            tags=sorted(dag.tags),",
  "            run_facets={},",
  "            clear_number=dag_run.clear_number or 0,",
  "            job_description=dag.description,",
  "            is_asset_triggered=False,",
  "        )",
  "    except Exception:",
  '        logging.getLogger(__name__).warning("floe: could not send the DAG run\'s OpenLineage START", exc_info=True)',
];

/** The datasets of the DAG's models, and the methods through which the OpenLineage provider reads them. */
function lineageBlocks(lineage: AirflowLineage | undefined, dag: AirflowDagSpec): { constant: string[]; methods: string[]; functions: string[] } {
  if (!lineage) return { constant: [], methods: [], functions: [] };
  const entries = dag.tasks.map((t) => `    ${pyString(t.model)}: ${pyLiteral(lineage.models[t.model] ?? [[], []])},`);
  return {
    constant: ["# dbt model -> (inputs, outputs) as (namespace, name): the OpenLineage datasets of its task's events.", "LINEAGE = {", ...entries, "}", ""],
    methods: [
      "",
      "    def _floe_lineage(self):",
      "        # apache-airflow-providers-openlineage calls the three methods below; imported here so the",
      "        # DAG also parses where the provider is not installed.",
      "        from airflow.providers.openlineage.extractors import OperatorLineage",
      "        from openlineage.client.event_v2 import Dataset",
      "",
      '        inputs, outputs = LINEAGE.get(self.env.get("FLOE_DBT_MODEL"), ((), ()))',
      "        return OperatorLineage(",
      "            inputs=[Dataset(namespace=namespace, name=name) for namespace, name in inputs],",
      "            outputs=[Dataset(namespace=namespace, name=name) for namespace, name in outputs],",
      "        )",
      "",
      "    def get_openlineage_facets_on_start(self):",
      "        return self._floe_lineage()",
      "",
      "    def get_openlineage_facets_on_complete(self, task_instance):",
      "        return self._floe_lineage()",
      "",
      "    def get_openlineage_facets_on_failure(self, task_instance):",
      "        return self._floe_lineage()",
      "",
      "    def pre_execute(self, context):",
      "        dag_test_run_started(context)",
      "        super().pre_execute(context)",
    ],
    functions: DAG_TEST_RUN_STARTED,
  };
}

function dbtEnvironment(model: AirflowDefinitionsModel): Record<string, string> {
  const env: Record<string, string> = { FLOE_DBT_EXECUTABLE: model.dbt.executable };
  // dbt reads these itself; unset ones fall back to the worker's own environment. Tasks also run in
  // the project directory, so a profiles.yml kept there is found and relative paths resolve there.
  if (model.dbt.projectDir !== null) env.DBT_PROJECT_DIR = model.dbt.projectDir;
  if (model.dbt.profilesDir !== null) env.DBT_PROFILES_DIR = model.dbt.profilesDir;
  if (model.dbt.target !== null) env.DBT_TARGET = model.dbt.target;
  return env;
}

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
  const lineageCode = lineageBlocks(lineage, dag);
  const schedule = renderSchedule(dag);
  const sdkImports = ["DAG", ...schedule.imports].sort();
  // One line per task keeps large DAGs readable and quick to parse.
  const taskLines = dag.tasks.map((t) => `    ${pyString(t.taskId)}: (${pyString(t.model)}, ${pyLiteral(t.upstream)}),`);
  const lines = [
    `# Generated by ${generator.package} ${generator.version} (floe-core ${generator.coreVersion}). Do not edit: run \`floe generate\` again.`,
    `# Source: compiled artifacts of product ${pyString(source.product)} version ${pyString(source.productVersion)},`,
    `# compiled at ${pyString(source.compiledAt)} by floe ${pyString(source.floeVersion)}; job ${pyString(dag.job)}.`,
    '"""Airflow DAG generated by floe: one dbt task per model of the job named above."""',
    "",
    ...(lineageCode.functions.length ? ["import logging"] : []),
    "from datetime import timedelta",
    "",
    `from airflow.sdk import ${sdkImports.join(", ")}`,
    "from airflow.providers.standard.operators.bash import BashOperator",
    "",
    `DBT_COMMAND = ${pyString(dbtShellCommand(model.dbt.command))}`,
    `DBT_ENV = ${pyLiteral(dbtEnvironment(model), 4)}`,
    "",
    "# Passed to every task directly rather than as default_args, which Airflow deep-copies per task.",
    "TASK_ARGS = {",
    `    "owner": ${pyString(defaults.owner)},`,
    `    "retries": ${defaults.retries},`,
    `    "retry_delay": timedelta(seconds=${defaults.retryDelaySeconds}),`,
    `    "retry_exponential_backoff": ${pyLiteral(defaults.retryExponentialBackoff)},`,
    `    "max_retry_delay": timedelta(seconds=${defaults.maxRetryDelaySeconds}),`,
    `    "execution_timeout": timedelta(seconds=${defaults.executionTimeoutSeconds}),`,
    "}",
    "",
    "# task id -> (dbt model name, upstream task ids)",
    "TASKS = {",
    ...taskLines,
    "}",
    "",
    ...lineageCode.constant,
    `DOC_MD = ${pyString(dag.docMd)}`,
    "",
    "",
    "class DbtModelOperator(BashOperator):",
    '    """A BashOperator with nothing templated.',
    "",
    "    BashOperator renders bash_command, env and cwd with Jinja, which would turn a model named like",
    "    a template into code. Here the command is a constant and the model name reaches dbt only as the",
    "    FLOE_DBT_MODEL environment variable, quoted as one argument.",
    '    """',
    "",
    "    template_fields = ()",
    "    template_ext = ()",
    "    template_fields_renderers = {}",
    "",
    ...lineageCode.methods.slice(1),
    ...(lineageCode.methods.length ? [""] : []),
    "",
    ...(lineageCode.functions.length ? [...lineageCode.functions, "", ""] : []),
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
    "    tasks = {",
    "        task_id: DbtModelOperator(",
    "            task_id=task_id,",
    "            bash_command=DBT_COMMAND,",
    '            env={**DBT_ENV, "FLOE_DBT_MODEL": model},',
    "            append_env=True,",
    ...(model.dbt.projectDir !== null ? ['            cwd=DBT_ENV["DBT_PROJECT_DIR"],'] : []),
    "            skip_on_exit_code=None,",
    "            **TASK_ARGS,",
    "        )",
    "        for task_id, (model, _) in TASKS.items()",
    "    }",
    "    # Edges recorded on both ends directly: set_upstream hashes the whole DAG on every call,",
    "    # which makes large DAGs parse in quadratic time. All tasks belong to this one DAG.",
    "    for task_id, (_, upstream) in TASKS.items():",
    "        for upstream_id in upstream:",
    "            tasks[task_id].upstream_task_ids.add(upstream_id)",
    "            tasks[upstream_id].downstream_task_ids.add(task_id)",
    "",
  ];
  return lines.join("\n");
}
