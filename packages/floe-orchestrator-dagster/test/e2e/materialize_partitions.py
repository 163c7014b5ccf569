"""Materializes a generated code location's job once per partition key, in this one process, on the
DAGSTER_HOME instance, as a backfill with one run per partition does (BackfillPolicy.multi_run(1)).

usage: materialize_partitions.py <output dir> <job> <partition key>...
prints JSON: the runs (partition, success, tags), each asset's materialized partition keys, the
schedules and the job's partitions definition.
"""

import json
import sys

from dagster import DagsterInstance
from load_output import load_definitions

output_dir, job_name, *keys = sys.argv[1:]
defs = load_definitions(output_dir).defs
job = defs.resolve_job_def(job_name)
instance = DagsterInstance.get()
runs = []
for key in keys:
    result = job.execute_in_process(partition_key=key, instance=instance, raise_on_error=False)
    runs.append({"partition": key, "success": result.success, "tags": dict(result.dagster_run.tags)})
materialized = {}
for asset_key in job.asset_layer.executable_asset_keys:
    events = instance.fetch_materializations(asset_key, limit=100).records
    materialized["/".join(asset_key.path)] = sorted(e.partition_key for e in events)
schedules = {
    s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone, "status": s.default_status.value, "job": s.job_name}
    for s in defs.get_repository_def().schedule_defs
}
partitions = job.partitions_def
print(
    json.dumps(
        {
            "runs": runs,
            "materialized": materialized,
            "schedules": schedules,
            "partitions": {"class": type(partitions).__name__, "timezone": partitions.timezone, "first": partitions.get_first_partition_key()},
        }
    )
)
