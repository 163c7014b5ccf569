"""The lineage observer for a generated Dagster code location: wraps a dagster-dbt invocation.

Dagster and dagster-dbt are not imported: the context and the invocation are used as they are given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from floe_runtime.dbt_process import stop_dbt
from floe_runtime.lineage import LineageConfig, RunLineage, run_id_for


class DagsterLineage:
    """OpenLineage for the runs of one code location, configured by floe at generate time."""

    def __init__(self, config: LineageConfig) -> None:
        self.config = config

    def run(self, job_name: str | None = None, client: Any | None = None) -> RunLineage:
        return RunLineage(self.config, job_name, client)

    def stream_dbt(self, context: Any, invocation: Any) -> Iterator[Any]:
        """Yields the Dagster events of a dbt invocation, emitting lineage for the run and each model."""
        lineage = self.run(getattr(context, "job_name", None))
        lineage.start_run()
        try:
            for event in invocation.stream_raw_events():
                lineage.observe(event.raw_event)
                yield from event.to_default_asset_events(
                    manifest=invocation.manifest,
                    dagster_dbt_translator=invocation.dagster_dbt_translator,
                    context=context,
                    target_path=invocation.target_path,
                    project=invocation.project,
                )
        except BaseException as exc:
            stop_dbt(invocation)
            lineage.fail_run(str(exc))
            raise
        lineage.complete_run()

    def build_model(self, context: Any, invocation: Any) -> None:
        """One asset per transform: events for the model this step builds, parented to the Dagster run
        (one lineage run id per Dagster run). No run-level START/COMPLETE here: no single step sees the run."""
        lineage = self.run(getattr(context, "job_name", None))
        lineage.run_id = run_id_for("dagster", str(context.run_id))
        try:
            for event in invocation.stream_raw_events():
                lineage.observe(event.raw_event)
        except BaseException as exc:
            stop_dbt(invocation)
            lineage.fail_open_models(str(exc))
            raise


# Dagster's tag on runs made by "re-execute from failure" (ReexecutionStrategy.FROM_FAILURE).
RESUME_RETRY_TAG = "dagster/is_resume_retry"
# One dbt argument holds the whole selection (dagster-dbt joins it); Linux caps one argument at 128 KiB.
MAX_SELECTION_CHARS = 100_000


def _continues_parent(context: Any, run: Any) -> str | None:
    """The failed run that ``run`` re-executes from failure, or None.

    Dagster's UI and GraphQL tag such runs ``dagster/is_resume_retry``; the Python API
    (``execute_job`` with ``ReexecutionOptions.from_failure``) does not, so a re-execution of some steps
    (``step_keys_to_execute``) of a run that failed counts too. Re-executing all steps, or steps of a run
    that succeeded, starts fresh.
    """
    parent_id = run.parent_run_id
    if not parent_id:
        return None
    if run.tags.get(RESUME_RETRY_TAG) == "true":
        return str(parent_id)
    if run.step_keys_to_execute is None:
        return None
    parent = context.instance.get_run_by_id(parent_id)
    failed = parent is not None and str(getattr(parent.status, "value", parent.status)) == "FAILURE"
    return str(parent_id) if failed else None


def _runs_to_resume(context: Any) -> list[str]:
    """Run ids whose results this step continues, oldest first: the failed runs this one re-executes from
    failure (following parents while they were themselves re-executions from failure), then this run when
    the step is a retry (RetryPolicy). Empty for a fresh run or a full re-execution."""
    run = context.run
    chain: list[str] = []
    parent_id = _continues_parent(context, run)
    while parent_id:
        chain.append(parent_id)
        parent = context.instance.get_run_by_id(parent_id)
        parent_id = _continues_parent(context, parent) if parent is not None else None
    chain.reverse()
    if getattr(context, "retry_number", 0) > 0:
        chain.append(run.run_id)
    return chain


def resume_selection(
    context: Any, asset_keys: Mapping[str, str | Sequence[str]], manifest: Mapping[str, Any]
) -> list[str] | None:
    """The dbt selection that finishes a failed run: only what it did not build, and the tests that failed.

    When the step re-executes a failed run from failure (or is retried by a RetryPolicy), the models of
    the step's selection that those runs materialized are left out; the rest (the failed model and
    everything dbt skipped after it) are selected by fqn, plus the data tests whose asset checks failed
    on models that were built. Returns None when the step starts fresh (dagster-dbt's own selection
    applies) or when the selection would be too long for one dbt argument (then everything runs again,
    as before); an empty list when nothing is left to do. ``asset_keys``: dbt unique_id -> asset key
    (a one-part key as a string, or its path).
    """
    runs = _runs_to_resume(context)
    if not runs:
        return None
    paths = {uid: (key,) if isinstance(key, str) else tuple(key) for uid, key in asset_keys.items()}
    from dagster import DagsterEventType

    built: set[tuple[str, ...]] = set()
    failed_checks: set[tuple[tuple[str, ...], str]] = set()
    kinds = {DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_CHECK_EVALUATION}
    for run_id in runs:
        for entry in context.instance.all_logs(run_id, of_type=kinds):
            event = entry.dagster_event
            if event is None:
                continue
            if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
                built.add(tuple(event.asset_key.path))
            else:
                evaluation = event.event_specific_data
                check = (tuple(evaluation.asset_key.path), evaluation.check_name)
                if evaluation.passed:
                    failed_checks.discard(check)
                else:
                    failed_checks.add(check)

    selected = {tuple(key.path) for key in context.selected_asset_keys}
    nodes = manifest.get("nodes", {})

    def fqn(unique_id: str) -> str:
        return "fqn:" + ".".join(nodes[unique_id]["fqn"])

    remaining = [uid for uid, key in paths.items() if key in selected and key not in built and uid in nodes]
    unique_id_of = {key: uid for uid, key in paths.items()}
    tests = sorted(
        fqn(test_id)
        for (key, check_name) in failed_checks
        if key in selected and key in built and key in unique_id_of
        for test_id, node in nodes.items()
        if node.get("resource_type") == "test"
        and node.get("name") == check_name
        and unique_id_of[key] in (node.get("depends_on") or {}).get("nodes", [])
    )
    selection = [fqn(uid) for uid in remaining] + tests
    log = context.log
    if sum(len(s) + 1 for s in selection) > MAX_SELECTION_CHARS:
        log.warning(
            f"floe: {len(selection)} dbt nodes left to run are too many for one dbt argument; running the whole selection again"
        )
        return None
    done = len([key for key in selected if key in built])
    log.info(
        f"floe: continuing failed run(s) {', '.join(runs)}: {done} model(s) already built are left out; "
        f"building {len(remaining)} model(s), running {len(tests)} failed test(s) again"
    )
    return selection


def no_retry_on_test_failures(invocation: Any, error: BaseException) -> None:
    """Raises a dagster ``Failure(allow_retries=False)`` for a dbt step whose models all built but whose data
    tests failed: a RetryPolicy would run the same tests on the same data again. Returns (the caller
    re-raises ``error``) when a model errored, dbt reported nothing, or run_results.json cannot be read."""
    from floe_runtime.dbt_failures import failed_tests, results_from_run_results, should_retry

    try:
        results = results_from_run_results(invocation.get_artifact("run_results.json"))
    except Exception:
        return
    if should_retry(results):
        return
    from dagster import Failure

    tests = failed_tests(results)
    raise Failure(
        description=f"dbt: the models built but {len(tests)} test(s) failed ({', '.join(tests[:5])}): not retried, "
        "since a retry runs the same tests on the same data",
        allow_retries=False,
    ) from error
