"""The lineage observer for a generated Dagster code location: wraps a dagster-dbt invocation.

Dagster and dagster-dbt are not imported: the context and the invocation are used as they are given.
"""

from __future__ import annotations

from collections.abc import Iterator
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
