"""What failed in a dbt invocation, and whether running it again can help: the retry decision of floe's tasks.

A model (or seed, snapshot) that errored may succeed on a retry: the warehouse was busy, a lock was held,
an upstream file was late. A data test that *failed* (returned rows) says the data is wrong, and running
the same SQL on the same data gives the same answer: retrying it only delays the alert. So a run whose
models all built and whose only failures are data or unit test failures is not retried, unless the
model asks for it (``retry_test_failures``). A test that *errored* (its SQL could not run) and an
invocation that reported no node at all (dbt could not start, parse or connect) stay retryable.

Reads dbt's structured results: the JSON log (``--log-format json`` / ``--log-format-file json``,
dagster-dbt's raw events) or ``run_results.json``. No Airflow or Dagster import: any execution mode
(one dbt process per model, or one per run with per-model tasks) can use ``should_retry``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floe_runtime.dbt_events import read_json_lines, read_node_event

BUILT_TYPES = frozenset({"model", "seed", "snapshot"})
TEST_TYPES = frozenset({"test", "unit_test"})
MODEL_ERRORS = frozenset({"error", "runtime error"})


@dataclass(frozen=True)
class NodeResult:
    """One node's final status in a dbt invocation."""

    unique_id: str
    resource_type: str
    status: str


def _resource_type(unique_id: str, resource_type: str | None) -> str:
    return resource_type or unique_id.split(".", 1)[0]


def results_from_events(events: Iterable[Mapping[str, Any]]) -> list[NodeResult]:
    """The node results of dbt's structured log events (``Log*Result``), in the order dbt reported them."""
    results = []
    for raw in events:
        event = read_node_event(raw)
        if event is None or event.kind != "result" or not event.unique_id:
            continue
        results.append(NodeResult(event.unique_id, _resource_type(event.unique_id, event.resource_type), event.status))
    return results


def results_from_log_file(path: str | Path) -> list[NodeResult]:
    """The node results of a JSON dbt log file (``DBT_LOG_FORMAT_FILE=json``); none when it is missing."""
    try:
        with open(path, encoding="utf-8", errors="replace") as lines:
            return results_from_events(read_json_lines(lines))
    except FileNotFoundError:
        return []


def results_from_run_results(run_results: Mapping[str, Any] | str | Path) -> list[NodeResult]:
    """The node results of dbt's ``run_results.json`` (a path or the parsed document)."""
    data = run_results if isinstance(run_results, Mapping) else json.loads(Path(run_results).read_text(encoding="utf-8"))
    results = []
    for entry in data.get("results") or []:
        unique_id = str(entry.get("unique_id") or "")
        if unique_id:
            results.append(NodeResult(unique_id, _resource_type(unique_id, None), str(entry.get("status") or "").lower()))
    return results


def failed_models(results: Iterable[NodeResult]) -> list[str]:
    """unique_ids of the models, seeds and snapshots that errored."""
    return [r.unique_id for r in results if r.resource_type in BUILT_TYPES and r.status in MODEL_ERRORS]


def failed_tests(results: Iterable[NodeResult]) -> list[str]:
    """unique_ids of the data and unit tests that failed (returned rows / wrong output), not those that errored."""
    return [r.unique_id for r in results if r.resource_type in TEST_TYPES and r.status == "fail"]


def should_retry(results: Iterable[NodeResult], retry_test_failures: bool = False) -> bool:
    """Whether a failed dbt invocation is worth retrying (see the module's docstring).

    False only when no model, seed or snapshot errored, no test errored, and at least one test failed,
    and ``retry_test_failures`` is off.
    """
    results = list(results)
    if retry_test_failures or failed_models(results):
        return True
    if any(r.resource_type in TEST_TYPES and r.status in MODEL_ERRORS for r in results):
        return True
    return not failed_tests(results)
