"""The operators of generated Airflow DAGs: nothing templated, OpenLineage datasets per model.

Per-model mode: ``DbtModelOperator``, one dbt command per task. Build mode: ``DbtBuildOperator`` runs
one dbt command for the whole selection and ``DbtModelResultOperator`` tasks report each model's result.

Importing this module imports Airflow (and its standard provider); the OpenLineage provider is optional.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import BaseOperator

from floe_runtime.dbt_failures import failed_tests, results_from_log_file, should_retry
from floe_runtime.dbt_results import (
    FAILED_STATUSES,
    collect_node_results,
    dbt_target_path,
    parents_of_tests,
    result_keys,
    task_results,
)
from floe_runtime.lineage import Datasets

log = logging.getLogger("floe.lineage")

# Run ids of `airflow dags test` runs whose OpenLineage START this process has sent.
_DAG_TEST_RUNS_STARTED: set[str] = set()
_warned_missing = False


def dag_test_run_started(context: Any) -> None:
    """Sends the DAG run's OpenLineage START under `airflow dags test`, once per run in this process.

    `dags test` creates its run already RUNNING without notifying listeners, so the provider never
    sends that START; in a deployment the scheduler does and this returns at once. It goes through
    the provider's own adapter, which names the run exactly as the provider's COMPLETE/FAIL will.
    Lineage never fails a task: errors are logged.
    """
    global _warned_missing
    dag_run = context["dag_run"]
    if getattr(dag_run, "triggering_user_name", None) != "dag_test" or dag_run.run_id in _DAG_TEST_RUNS_STARTED:
        return
    _DAG_TEST_RUNS_STARTED.add(dag_run.run_id)
    try:
        from airflow.providers.openlineage import conf
        from airflow.providers.openlineage.plugins.adapter import OpenLineageAdapter
    except ImportError as exc:
        if not _warned_missing:
            _warned_missing = True
            log.warning(
                "floe: apache-airflow-providers-openlineage is not installed, so no OpenLineage events are sent (%s)", exc
            )
        return
    try:
        if conf.is_disabled():
            return
        dag = context["dag"]
        OpenLineageAdapter().dag_started(
            dag_id=dag_run.dag_id,
            run_id=dag_run.run_id,
            logical_date=dag_run.logical_date or dag_run.run_after,
            start_date=dag_run.start_date or dag_run.run_after,
            nominal_start_time=dag_run.data_interval_start.isoformat() if dag_run.data_interval_start else None,
            nominal_end_time=dag_run.data_interval_end.isoformat() if dag_run.data_interval_end else None,
            owners=[owner.strip() for owner in dag.owner.split(",")],
            tags=sorted(dag.tags),
            run_facets={},
            clear_number=dag_run.clear_number or 0,
            job_description=dag.description,
            is_asset_triggered=False,
        )
    except Exception:
        log.warning("floe: could not send the DAG run's OpenLineage START", exc_info=True)


class DbtModelOperator(BashOperator):  # type: ignore[misc]
    """A BashOperator with nothing templated, reporting its dbt model's datasets to OpenLineage.

    BashOperator renders bash_command, env and cwd with Jinja, which would turn a model named like
    a template into code. Here the command is a constant and the model name reaches dbt only as the
    FLOE_DBT_MODEL environment variable, quoted as one argument. ``lineage`` is the model's
    (inputs, outputs), each a list of (namespace, name), named by floe at generate time.
    """

    template_fields = ()
    template_ext = ()
    template_fields_renderers: ClassVar[dict[str, str]] = {}

    def __init__(self, *, lineage: Sequence[Datasets] | None = None, retry_test_failures: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.floe_lineage = lineage
        self.retry_test_failures = retry_test_failures

    def execute(self, context: Any) -> Any:
        """Runs dbt; when it fails only because data tests failed (the model built), fails without retry.

        dbt also writes its log as JSON into a directory of this try (DBT_LOG_PATH, so parallel tasks never
        share it: inside the configured DBT_LOG_PATH when it is a writable directory, else in the temporary
        directory; removed afterwards); its node results decide (floe_runtime.dbt_failures.should_retry). Everything else,
        a model error included, raises as BashOperator does and Airflow retries it.
        """
        env: Mapping[str, str] = getattr(self, "env", None) or {}
        log_dir = _try_log_dir(env.get("DBT_LOG_PATH") or os.environ.get("DBT_LOG_PATH"))
        self.env = {**env, "DBT_LOG_PATH": log_dir, "DBT_LOG_FORMAT_FILE": "json", "DBT_LOG_LEVEL_FILE": "info"}
        try:
            return super().execute(context)
        except Exception as exc:
            if self.retry_test_failures or not _is_bash_failure(exc):
                raise
            results = results_from_log_file(Path(log_dir) / "dbt.log")
            if should_retry(results, retry_test_failures=False):
                raise
            raise _tests_failed(failed_tests(results)) from exc
        finally:
            shutil.rmtree(log_dir, ignore_errors=True)

    def _operator_lineage(self) -> Any:
        # apache-airflow-providers-openlineage calls the three methods below; imported here so the
        # DAG also parses where the provider is not installed.
        from airflow.providers.openlineage.extractors import OperatorLineage
        from openlineage.client.event_v2 import Dataset

        inputs, outputs = self.floe_lineage or ((), ())
        return OperatorLineage(
            inputs=[Dataset(namespace=namespace, name=name) for namespace, name in inputs],
            outputs=[Dataset(namespace=namespace, name=name) for namespace, name in outputs],
        )

    def get_openlineage_facets_on_start(self) -> Any:
        return self._operator_lineage()

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        return self._operator_lineage()

    def get_openlineage_facets_on_failure(self, task_instance: Any) -> Any:
        return self._operator_lineage()

    def pre_execute(self, context: Any) -> None:
        dag_test_run_started(context)
        super().pre_execute(context)


def _tests_failed(tests: Sequence[str]) -> BaseException:
    """The failure of a task whose model built but whose data tests failed: no retry (same tests, same data)."""
    from airflow.sdk.exceptions import AirflowFailException

    exc: BaseException = AirflowFailException(
        f"dbt: the model built but {len(tests)} test(s) failed ({', '.join(tests[:5])}): "
        "not retried, since a retry runs the same tests on the same data "
        "(meta floe retry_test_failures: true retries them)"
    )
    return exc


def _try_log_dir(configured: str | None) -> str:
    """A new directory for one try's dbt log: inside the configured log path when possible (a writable
    volume under readOnlyRootFilesystem), else in the temporary directory."""
    if configured:
        try:
            return tempfile.mkdtemp(prefix="floe-dbt-log-", dir=configured)
        except OSError:
            pass
    return tempfile.mkdtemp(prefix="floe-dbt-log-")


def _is_bash_failure(exc: BaseException) -> bool:
    """A non-zero exit of the bash command (AirflowException), not a skip, a fail or a timeout already decided."""
    from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException, AirflowTaskTimeout

    decided = (AirflowFailException, AirflowSkipException, AirflowTaskTimeout)
    return isinstance(exc, AirflowException) and not isinstance(exc, decided)


def set_upstream_tasks(tasks: Mapping[str, Any], upstream: Mapping[str, Iterable[str]]) -> None:
    """Gives each task its upstream tasks: the edges ``tasks[u] >> tasks[t]`` would set, for tasks of one DAG.

    ``>>`` puts the DAGs of both ends in a set on every call, hashing the whole DAG each time, so wiring
    a DAG of thousands of tasks that way takes time quadratic in its size (seconds at 2,000 models,
    minutes at 10,000). Here the tasks are checked once to share one DAG, and each edge is recorded on
    both ends directly, as ``>>`` records it.
    """
    dags = {id(task.dag) if task.has_dag() else None for task in tasks.values()}
    if len(dags) > 1 or None in dags:
        raise ValueError("set_upstream_tasks: the tasks must all belong to one DAG")
    for task_id, upstream_ids in upstream.items():
        task = tasks[task_id]
        for upstream_id in upstream_ids:
            upstream_task = tasks[upstream_id]
            task.upstream_task_ids.add(upstream_task.node_id)
            upstream_task.downstream_task_ids.add(task.node_id)


# ---------------------------------------------------------------------------------------------------
# Build mode: one dbt invocation for the whole selection, then one lightweight task per model.
# ---------------------------------------------------------------------------------------------------


class DbtBuildOperator(BaseOperator):  # type: ignore[misc]
    """Runs one dbt command for the job's whole selection and publishes each model task's result.

    dbt runs as a child process with ``--log-format json``; nothing is templated and the arguments go
    to dbt as an argv list (no shell). Each model's status, timing, message and log lines, with those
    of the tests attached to it (from dbt's manifest.json), are pushed as XComs of up to
    ``RESULTS_PER_XCOM`` model tasks each (``floe_result_keys``: task id -> key). The task fails only
    when dbt itself could not run (exit code other than 0 or 1): a failing model is reported by its own task.
    """

    template_fields = ()
    template_ext = ()
    template_fields_renderers: ClassVar[dict[str, str]] = {}
    ui_color = "#e8f0fe"

    def __init__(
        self,
        *,
        dbt_executable: str,
        dbt_args: Sequence[str],
        tasks: Mapping[str, str],
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.dbt_executable = dbt_executable
        self.dbt_args = list(dbt_args)
        self.floe_tasks = dict(tasks)
        self.floe_result_keys = result_keys(self.floe_tasks.values())
        self.floe_env = dict(env or {})
        self.cwd = cwd

    def pre_execute(self, context: Any) -> None:
        dag_test_run_started(context)
        super().pre_execute(context)

    def execute(self, context: Any) -> None:
        import os
        import subprocess

        from floe_runtime.dbt_events import read_json_lines

        env = {**os.environ, **self.floe_env}
        argv = [self.dbt_executable, *self.dbt_args, "--log-format", "json"]
        self.log.info("floe: running dbt for %d models in one invocation", len(self.floe_tasks))
        process = subprocess.Popen(
            argv, cwd=self.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        try:
            assert process.stdout is not None
            nodes = collect_node_results(read_json_lines(process.stdout), echo=self.log.info)
            code = process.wait()
        except BaseException:
            from floe_runtime.dbt_process import stop_dbt

            class _Invocation:
                pass

            invocation = _Invocation()
            invocation.process = process  # type: ignore[attr-defined]
            stop_dbt(invocation)
            raise
        if code not in (0, 1):
            raise RuntimeError(f"floe: dbt exited with code {code} before building the selection (see the log above)")
        project_dir = self.cwd or env.get("DBT_PROJECT_DIR") or os.getcwd()
        parents = parents_of_tests(os.path.join(dbt_target_path(env, project_dir), "manifest.json"))
        ti = context["ti"]
        try_number = int(getattr(ti, "try_number", 1) or 1)
        counts: dict[str, int] = {}
        shares: dict[str, dict[str, Any]] = {}
        for task_id, result in task_results(nodes, self.floe_tasks, parents).items():
            result["producer_try"] = try_number
            counts[result["status"]] = counts.get(result["status"], 0) + 1
            shares.setdefault(self.floe_result_keys[task_id], {})[task_id] = result
        for key, share in shares.items():
            ti.xcom_push(key=key, value=share)
        self.log.info("floe: dbt exited %d; model tasks: %s", code, ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


_TESTS = ("test", "unit_test")


class DbtModelResultOperator(DbtModelOperator):
    """A model's task in build mode: reports the result the build task published for its model.

    It prints the model's (and its tests') dbt log lines and timing, then succeeds, fails or is skipped
    as dbt reported; when only its data tests failed it fails without retry, as ``DbtModelOperator``
    does (unless ``retry_test_failures``). It runs dbt for just its model, as the per-model mode does,
    on a later try than the build's (a retry, or the task cleared alone) and when the build skipped its
    model although the task runs: a model task runs once its upstream tasks succeeded, so the upstream
    failure dbt skipped it for has been fixed since by a retry (``should_rerun`` is the hook for other
    policies).
    Lineage is that of ``DbtModelOperator``: the provider sends START and COMPLETE/FAIL per model.
    """

    def __init__(self, *, producer_task_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.producer_task_id = producer_task_id

    def result_key(self) -> str | None:
        """The XCom key of the build's results that holds this task's: the build task of this DAG decided
        it (``DbtBuildOperator.floe_result_keys``); None when that task is not there (then dbt runs here)."""
        dag = self.dag if self.has_dag() else None
        producer = dag.task_dict.get(self.producer_task_id) if dag is not None else None
        keys = getattr(producer, "floe_result_keys", None)
        return keys.get(self.task_id) if isinstance(keys, Mapping) else None

    def should_rerun(self, context: Any, result: Mapping[str, Any] | None) -> bool:
        """Run dbt again for this model (rather than report the build's result)?

        Yes without a result, on a later try than the build's, and when the build skipped the model:
        this task runs only after its upstream tasks succeeded, so what dbt skipped it for is fixed.
        """
        if result is None or result.get("status") == "skipped":
            return True
        try_number = int(getattr(context["ti"], "try_number", 1) or 1)
        return try_number > int(result.get("producer_try") or 1)

    def execute(self, context: Any) -> Any:
        ti = context["ti"]
        key = self.result_key()
        share = ti.xcom_pull(task_ids=self.producer_task_id, key=key) if key is not None else None
        result = share.get(self.task_id) if isinstance(share, Mapping) else None
        if self.should_rerun(context, result):
            skipped = result is not None and result.get("status") == "skipped"
            why = ": the build skipped it, its upstream tasks have succeeded since" if skipped else ""
            self.log.info("floe: running dbt for this model alone (try %s%s)", getattr(ti, "try_number", "?"), why)
            return super().execute(context)
        assert result is not None
        for node in result.get("nodes") or []:
            timing = f"{node['execution_time']:.2f}s" if isinstance(node.get("execution_time"), (int, float)) else "-"
            self.log.info(
                "dbt %s %s: %s (%s, started %s, finished %s)",
                node.get("resource_type"),
                node.get("name"),
                node.get("status") or "not run",
                timing,
                node.get("started_at") or "-",
                node.get("finished_at") or "-",
            )
            for line in node.get("logs") or []:
                self.log.info("  %s", line)
        if not result.get("nodes"):
            self.log.info("dbt reported no result for %s (nothing to build, e.g. an ephemeral model)", result.get("model"))
        if result.get("status") == "failed":
            failed = [n for n in result["nodes"] if n.get("status") in FAILED_STATUSES]
            if not self.retry_test_failures and failed and all(n.get("resource_type") in _TESTS for n in failed):
                raise _tests_failed([str(n.get("name")) for n in failed])
            raise RuntimeError("; ".join(f"{n.get('name')}: {n.get('message') or n.get('status')}" for n in failed))
        return None
