"""Loads a generated code location (argv[1]: the output directory), runs its source freshness job in this process on the DAGSTER_HOME
instance, and prints JSON: the run's success, each source's check (passed, severity, dbt status), the
source assets Dagster knows (external: not materializable) and the deps of the dbt models on them."""

import json
import sys

from dagster import DagsterInstance
from load_output import load_definitions

defs = load_definitions(sys.argv[1]).defs
job_name = sys.argv[2]
graph = defs.resolve_asset_graph()
sources = {}
for key in graph.get_all_asset_keys():
    node = graph.get(key)
    if not node.is_materializable:
        sources["/".join(key.path)] = {"group": node.group_name, "unique_id": node.metadata.get("floe/unique_id")}
deps = {
    "/".join(key.path): sorted("/".join(p.path) for p in graph.get(key).parent_keys)
    for key in graph.get_all_asset_keys()
    if graph.get(key).is_materializable
}
result = defs.resolve_job_def(job_name).execute_in_process(instance=DagsterInstance.get(), raise_on_error=False)
checks = {}
for evaluation in result.get_asset_check_evaluations():
    checks["/".join(evaluation.asset_key.path)] = {
        "name": evaluation.check_name,
        "passed": evaluation.passed,
        "severity": evaluation.severity.value,
        "dbt_status": evaluation.metadata["dbt_status"].value,
    }
print(json.dumps({"success": result.success, "checks": checks, "sources": sources, "deps": deps}))
