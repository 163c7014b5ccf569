"""dbt's structured log events (``--log-format json``, or dagster-dbt's ``raw_event``), read for node starts and results."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

# Node statuses dbt reports for a node that finished well, or badly (RunStatus / TestStatus / FreshnessStatus).
SUCCEEDED = frozenset({"success", "pass", "warn", "ok"})
FAILED = frozenset({"error", "fail", "runtime error"})
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class NodeEvent:
    """A node starting (``LogStartLine``) or finishing (``Log*Result``)."""

    kind: Literal["start", "result"]
    unique_id: str | None
    name: str | None
    resource_type: str | None
    status: str
    message: str

    @property
    def succeeded(self) -> bool:
        return self.status in SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status in FAILED


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read_node_event(raw: Mapping[str, Any]) -> NodeEvent | None:
    """The node start or result a raw dbt event reports, or None for every other event."""
    info = raw.get("info")
    info = info if isinstance(info, Mapping) else {}
    name = str(info.get("name") or "")
    if name == "LogStartLine":
        kind: Literal["start", "result"] = "start"
    elif name.startswith("Log") and name.endswith("Result"):
        kind = "result"
    else:
        return None
    data = raw.get("data")
    data = data if isinstance(data, Mapping) else {}
    node = data.get("node_info")
    node = node if isinstance(node, Mapping) else {}
    status = str(node.get("node_status") or data.get("status") or "").lower()
    return NodeEvent(
        kind=kind,
        unique_id=_text(node.get("unique_id")),
        name=_text(node.get("node_name")),
        resource_type=_text(node.get("resource_type")),
        status=status,
        message=_ANSI.sub("", str(info.get("msg") or "")).strip(),
    )


def read_json_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The events of ``dbt --log-format json`` output; lines that are not a JSON object are skipped."""
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            yield event
