"""The per-node results of one dbt invocation (from its ``--log-format json`` events), grouped per model task.

Pure: no Airflow. Used by floe_runtime.airflow's build mode.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from floe_runtime.dbt_events import _ANSI

log = logging.getLogger("floe.runtime")

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})

_SKIPPED = frozenset({"skipped"})


def dbt_target_path(env: Mapping[str, str], project_dir: str) -> str:
    """Where dbt writes manifest.json: DBT_TARGET_PATH, else dbt_project.yml's target-path, else target/."""
    configured = env.get("DBT_TARGET_PATH")
    if not configured:
        configured = "target"
        try:
            import yaml  # type: ignore[import-untyped]

            with open(os.path.join(project_dir, "dbt_project.yml"), encoding="utf-8") as fh:
                project = yaml.safe_load(fh) or {}
            value = project.get("target-path") if isinstance(project, dict) else None
            if isinstance(value, str) and value and "{{" not in value:
                configured = value
        except (OSError, ValueError, ImportError):
            pass
        except Exception:  # yaml.YAMLError and the like: dbt itself would have refused the project
            pass
    return configured if os.path.isabs(configured) else os.path.join(project_dir, configured)


def parents_of_tests(manifest_path: str) -> dict[str, list[str]]:
    """unique_id of a data or unit test -> unique_ids of the nodes it tests, from dbt's manifest.json."""
    try:
        with open(manifest_path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError):
        log.warning("floe: could not read %s: test results are not attached to their models", manifest_path)
        return {}
    parents: dict[str, list[str]] = {}
    for section in ("nodes", "unit_tests"):
        for unique_id, node in (manifest.get(section) or {}).items():
            if node.get("resource_type") in ("test", "unit_test"):
                parents[unique_id] = list((node.get("depends_on") or {}).get("nodes") or [])
    return parents


class NodeResult:
    __slots__ = ("execution_time", "finished_at", "logs", "message", "name", "resource_type", "started_at", "status", "unique_id")

    def __init__(self, unique_id: str) -> None:
        self.unique_id = unique_id
        self.name: str | None = None
        self.resource_type: str | None = None
        self.status = ""
        self.message = ""
        self.started_at = ""
        self.finished_at = ""
        self.execution_time: float | None = None
        self.logs: list[str] = []

    def as_dict(self) -> dict[str, Any]:
        return {slot: getattr(self, slot) for slot in self.__slots__}


def collect_node_results(events: Iterable[Mapping[str, Any]], echo: Any = None) -> dict[str, NodeResult]:
    """Each node's status, timing, message and log lines, from dbt's JSON log events."""
    nodes: dict[str, NodeResult] = {}
    for event in events:
        raw_info, raw_data = event.get("info"), event.get("data")
        info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
        data: Mapping[str, Any] = raw_data if isinstance(raw_data, Mapping) else {}
        msg = _ANSI.sub("", str(info.get("msg") or "")).rstrip()
        if echo is not None and msg and info.get("level") != "debug":
            echo(msg)
        node_info = data.get("node_info")
        if not isinstance(node_info, Mapping) or not node_info.get("unique_id"):
            continue
        node = nodes.setdefault(str(node_info["unique_id"]), NodeResult(str(node_info["unique_id"])))
        node.name = node_info.get("node_name") or node.name
        node.resource_type = node_info.get("resource_type") or node.resource_type
        if msg:
            node.logs.append(msg)
        name = str(info.get("name") or "")
        is_result = (name.startswith("Log") and name.endswith("Result")) or name == "SkippingDetails"
        if is_result:
            node.status = str(node_info.get("node_status") or data.get("status") or "").lower()
        node.started_at = str(node_info.get("node_started_at") or node.started_at)
        node.finished_at = str(node_info.get("node_finished_at") or node.finished_at)
        if isinstance(data.get("execution_time"), (int, float)):
            node.execution_time = float(data["execution_time"])
        if is_result:
            node.message = msg
        elif name == "RunResultError" and msg:
            # The error itself (the result line only says ERROR).
            node.message = msg
    return nodes


# Model tasks per XCom of the build's results: each XCom is one call to Airflow's execution API (tens of
# milliseconds under `airflow dags test`), so one per model task made the build task's end grow with the
# DAG; a model task reads its own from a share of at most this many results.
RESULTS_PER_XCOM = 25

_RESULTS_KEY = "floe_dbt_results:"


def result_keys(task_ids: Iterable[str]) -> dict[str, str]:
    """task id -> the XCom key of the share of the build's results that holds that task's result.

    The tasks sorted by id, taken RESULTS_PER_XCOM at a time: the same key for a task whatever order
    they come in, so the build task (which pushes) and each model task (which pulls) agree.
    """
    ordered = sorted(set(task_ids))
    return {task_id: f"{_RESULTS_KEY}{index // RESULTS_PER_XCOM}" for index, task_id in enumerate(ordered)}


def task_results(
    nodes: Mapping[str, NodeResult],
    tasks: Mapping[str, str],
    test_parents: Mapping[str, Sequence[str]],
) -> dict[str, dict[str, Any]]:
    """Per task: "success", "failed" or "skipped", and the dbt nodes behind it (the model and its tests).

    A task fails when its node failed or any test of it failed (as `dbt build --select <model>` would
    exit non-zero); it is skipped when dbt skipped its node for a failure upstream; a node dbt did not
    report (an ephemeral model, nothing to do) succeeds, as the per-model command would.
    """
    by_name = {n.name: n for n in nodes.values() if n.resource_type in ("model", "seed", "snapshot") and n.name}
    unique_to_task: dict[str, str] = {}
    results: dict[str, dict[str, Any]] = {}
    for model, task_id in tasks.items():
        node = by_name.get(model)
        entries = [node.as_dict()] if node else []
        if node:
            unique_to_task[node.unique_id] = task_id
        results[task_id] = {"model": model, "nodes": entries}
    for unique_id, node in nodes.items():
        if node.resource_type not in ("test", "unit_test"):
            continue
        for parent in test_parents.get(unique_id, ()):
            owner = unique_to_task.get(parent)
            if owner is not None:
                results[owner]["nodes"].append(node.as_dict())
    for result in results.values():
        entries = result["nodes"]
        own = entries[0] if entries and entries[0]["resource_type"] not in ("test", "unit_test") else None
        if any(e["status"] in FAILED_STATUSES for e in entries):
            result["status"] = "failed"
        elif own is not None and own["status"] in _SKIPPED:
            result["status"] = "skipped"
        else:
            result["status"] = "success"
    return results
