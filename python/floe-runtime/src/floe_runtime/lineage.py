"""OpenLineage START/COMPLETE/FAIL for one run and for each dbt model it builds (openlineage-python).

The backend URL comes from the configuration (OPENLINEAGE_URL overrides it), the API key only from
OPENLINEAGE_API_KEY, and OPENLINEAGE_DISABLED=true turns lineage off. A lineage failure never fails
the run: undelivered events, unreadable dbt events and a missing openlineage-python are logged.
openlineage-python is imported where it is used, so importing this module never pays for it.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from floe_runtime.dbt_events import read_node_event

log = logging.getLogger("floe.lineage")

_TRUE = ("1", "true", "yes", "on")
_MODEL_TYPES = ("model", "seed", "snapshot")
_RETRY = {"total": 3, "backoff_factor": 0.3, "status_forcelist": [429, 500, 502, 503, 504], "allowed_methods": ["POST"]}

# (namespace, name) pairs of OpenLineage datasets.
Datasets = Sequence[Sequence[str]]


@dataclass(frozen=True)
class LineageConfig:
    """What floe wrote at generate time: where events go and which datasets each model reads and writes."""

    namespace: str
    producer: str
    default_job: str
    enabled: bool = True
    url: str | None = None
    transport: str = "console"
    # Orchestrator job name -> floe job name.
    jobs: Mapping[str, str] = field(default_factory=dict)
    # dbt model -> (inputs, outputs).
    models: Mapping[str, Sequence[Datasets]] = field(default_factory=dict)
    # dbt unique_id -> dbt model.
    unique_ids: Mapping[str, str] = field(default_factory=dict)


_warned_missing = False


def _warn_missing(exc: ImportError) -> None:
    global _warned_missing
    if not _warned_missing:
        _warned_missing = True
        log.warning(
            "floe: openlineage-python is not installed, so no OpenLineage events are sent (%s); pip install openlineage-python",
            exc,
        )


def make_client(config: LineageConfig) -> Any | None:
    """The configured OpenLineage client, or None when lineage is off or openlineage-python is missing."""
    if not config.enabled or os.environ.get("OPENLINEAGE_DISABLED", "").strip().lower() in _TRUE:
        return None
    url = os.environ.get("OPENLINEAGE_URL") or config.url
    transport = "http" if os.environ.get("OPENLINEAGE_URL") else config.transport
    if transport == "noop":
        return None
    try:
        from openlineage.client import OpenLineageClient
    except ImportError as exc:
        _warn_missing(exc)
        return None

    if transport == "http" and url:
        from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport, TokenProvider

        key = os.environ.get("OPENLINEAGE_API_KEY")
        http = HttpConfig(
            url=url,
            endpoint=os.environ.get("OPENLINEAGE_ENDPOINT") or "api/v1/lineage",
            timeout=5.0,
            auth=ApiKeyTokenProvider({"apiKey": key}) if key else TokenProvider({}),
            retry=_RETRY,
        )
        return OpenLineageClient(transport=HttpTransport(http))
    from openlineage.client.transport.console import ConsoleConfig, ConsoleTransport

    return OpenLineageClient(transport=ConsoleTransport(ConsoleConfig()))


def new_run_id() -> str:
    """A UUIDv7 as OpenLineage recommends; a random UUID when openlineage-python is missing."""
    try:
        from openlineage.client.uuid import generate_new_uuid
    except ImportError:
        return str(uuid.uuid4())
    return str(generate_new_uuid())


def run_id_for(orchestrator: str, run_id: str) -> str:
    """A lineage run id derived from an orchestrator's run id: the same for every step of that run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{orchestrator}-run:{run_id}"))


class RunLineage:
    """START/COMPLETE/FAIL for one run and the dbt models it builds."""

    def __init__(self, config: LineageConfig, job_name: str | None = None, client: Any | None = None) -> None:
        self.config = config
        self.client = client if client is not None else make_client(config)
        self.job = config.jobs.get(job_name or "", config.default_job)
        self.run_id = new_run_id()
        self.open_models: dict[str, str] = {}

    def _emit(
        self,
        state: str,
        job: str,
        run_id: str,
        inputs: Datasets = (),
        outputs: Datasets = (),
        job_type: str = "JOB",
        parent: bool = False,
        error: str | None = None,
    ) -> None:
        if self.client is None:
            return
        try:
            from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
            from openlineage.client.facet_v2 import error_message_run, job_type_job, parent_run

            namespace = self.config.namespace
            run_facets: dict[str, Any] = {}
            if parent:
                run_facets["parent"] = parent_run.ParentRunFacet(
                    run=parent_run.Run(runId=self.run_id),
                    job=parent_run.Job(namespace=namespace, name=self.job),
                    root=parent_run.Root(
                        run=parent_run.RootRun(runId=self.run_id),
                        job=parent_run.RootJob(namespace=namespace, name=self.job),
                    ),
                )
            if error is not None:
                language = "SQL" if parent else "PYTHON"
                run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
                    message=error[:4000], programmingLanguage=language
                )
            integration = "DBT" if parent else "DAGSTER"
            job_facets: dict[str, Any] = {
                "jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration=integration, jobType=job_type)
            }
            event = RunEvent(
                eventType=RunState(state),
                eventTime=datetime.now(timezone.utc).isoformat(),
                run=Run(runId=run_id, facets=run_facets),
                job=Job(namespace=namespace, name=job, facets=job_facets),
                inputs=[InputDataset(namespace=ns, name=name) for ns, name in inputs],
                outputs=[OutputDataset(namespace=ns, name=name) for ns, name in outputs],
                producer=self.config.producer,
            )
            self.client.emit(event)
        except Exception as exc:  # the backend being down must never fail the run
            log.warning("floe: OpenLineage %s event for %s not delivered: %s", state, job, exc)

    def start_run(self) -> None:
        self._emit("START", self.job, self.run_id)

    def complete_run(self) -> None:
        self._emit("COMPLETE", self.job, self.run_id)

    def fail_run(self, message: str | None) -> None:
        self.fail_open_models("the run failed before the model finished")
        self._emit("FAIL", self.job, self.run_id, error=message or "the run failed")

    def fail_open_models(self, message: str) -> None:
        for model in list(self.open_models):
            self._finish_model(model, False, message)

    def _model_of(self, unique_id: str | None, name: str | None, resource_type: str | None) -> str | None:
        unique_ids = self.config.unique_ids
        if unique_id is not None and unique_id in unique_ids:
            return unique_ids[unique_id]
        if not unique_ids and resource_type in _MODEL_TYPES and name is not None and name in self.config.models:
            return name
        return None

    def _datasets(self, model: str) -> tuple[Datasets, Datasets]:
        inputs, outputs = self.config.models[model]
        return inputs, outputs

    def _finish_model(self, model: str, ok: bool, message: str | None = None) -> None:
        run_id = self.open_models.pop(model, None)
        if run_id is None:
            return
        inputs, outputs = self._datasets(model)
        error = None if ok else (message or "dbt reported an error")
        self._emit("COMPLETE" if ok else "FAIL", f"{self.job}.{model}", run_id, inputs, outputs, "MODEL", True, error)

    def observe(self, raw_event: Mapping[str, Any]) -> None:
        """Reads one structured dbt log event: LogStartLine starts a product model, its Log*Result ends it."""
        try:
            event = read_node_event(raw_event)
            if event is None:
                return
            model = self._model_of(event.unique_id, event.name, event.resource_type)
            if model is None:
                return
            if event.kind == "start":
                run_id = new_run_id()
                self.open_models[model] = run_id
                inputs, outputs = self._datasets(model)
                self._emit("START", f"{self.job}.{model}", run_id, inputs, outputs, "MODEL", True)
            elif event.succeeded:
                self._finish_model(model, True)
            elif event.failed:
                self._finish_model(model, False, event.message or f"dbt reported {event.status}")
        except Exception as exc:
            log.warning("floe: could not read a dbt event for lineage: %s", exc)
