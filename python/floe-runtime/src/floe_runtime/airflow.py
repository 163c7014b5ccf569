"""The operator of generated Airflow DAGs: one dbt command per task, nothing templated, OpenLineage datasets.

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

from floe_runtime.dbt_failures import failed_tests, results_from_log_file, should_retry
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
            from airflow.sdk.exceptions import AirflowFailException

            tests = failed_tests(results)
            raise AirflowFailException(
                f"dbt: the model built but {len(tests)} test(s) failed ({', '.join(tests[:5])}): "
                "not retried, since a retry runs the same tests on the same data "
                "(meta floe retry_test_failures: true retries them)"
            ) from exc
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
