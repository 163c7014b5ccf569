"""Loads a generated code location (argv[1]: the output directory) the way Dagster does and prints what Dagster sees, as JSON."""

import json
import sys

from load_output import load_definitions

defs = load_definitions(sys.argv[1]).defs
graph = defs.resolve_asset_graph()
assets = {}
for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
    node = graph.get(key)
    if not node.is_materializable:
        continue
    assets[json.dumps(key.path)] = {
        "deps": sorted(json.dumps(p.path) for p in node.parent_keys),
        "group": node.group_name,
        "tags": {k: v for k, v in node.tags.items() if not k.startswith("dagster/")},
    }
checks = sorted(k.to_user_string() for k in graph.asset_check_keys)
jobs = sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))
schedules = [
    {"name": s.name, "job": s.job_name, "cron": s.cron_schedule, "timezone": s.execution_timezone}
    for s in defs.schedules or []
]
print(json.dumps({"assets": assets, "checks": checks, "jobs": jobs, "schedules": schedules}))
