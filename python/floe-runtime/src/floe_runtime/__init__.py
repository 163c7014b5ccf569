"""Runtime support for the code floe generates.

- ``floe_runtime.lineage``: OpenLineage events for a run and the dbt models it builds.
- ``floe_runtime.dbt_events``: reading dbt's structured (JSON) log events.
- ``floe_runtime.dagster``: the lineage observer around a dagster-dbt invocation.
- ``floe_runtime.airflow``: the operators of generated Airflow DAGs (imports Airflow).
"""

__version__ = "0.1.0"
