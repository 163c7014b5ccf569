"""floe's Dagster asset graph next to the one dagster-dbt's own minimal @dbt_assets builds from the
same manifest, both keyed by dbt unique_id, as JSON: {"floe": graph, "plain": graph | {"error": str}}.

A graph is {unique_id: {"key": [...], "deps": [...], "checks": [...]}}; a dep is the unique_id of an
asset in the same graph, or "external:<key>" for a key no asset of the graph has (a dbt source).
"""

import json
import sys

import orjson
from dagster import Definitions
from dagster_dbt import dbt_assets
from load_output import load_definitions

UNIQUE_ID = "dagster_dbt/unique_id"


def describe(defs):
    graph = defs.resolve_asset_graph()
    unique_ids = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable and UNIQUE_ID in node.metadata:
            unique_ids[key] = node.metadata[UNIQUE_ID]

    def name(key):
        return unique_ids.get(key) or "external:" + json.dumps(key.path, separators=(",", ":"))

    out = {}
    for key, unique_id in unique_ids.items():
        out[unique_id] = {
            "key": key.path,
            "deps": sorted(name(parent) for parent in graph.get(key).parent_keys),
            "checks": [],
        }
    for check in graph.asset_check_keys:
        out[unique_ids[check.asset_key]]["checks"].append(check.name)
    for entry in out.values():
        entry["checks"].sort()
    return out


output_dir, manifest_path = sys.argv[1], sys.argv[2]
floe = describe(load_definitions(output_dir).defs)
try:

    @dbt_assets(manifest=orjson.loads(open(manifest_path, "rb").read()))
    def plain(context):  # never run: only its asset graph is read
        yield from ()

    plain_graph = describe(Definitions(assets=[plain]))
except Exception as error:  # dagster-dbt refuses some projects at load; report why
    plain_graph = {"error": f"{type(error).__name__}: {error}"}
print(json.dumps({"floe": floe, "plain": plain_graph}, sort_keys=True))
