"""A step that fails while its dbt still runs must not leave that dbt running.

Usage: python stop_dbt.py CODE_LOCATION_DIR DBT_PROJECT_DIR DUCKDB_FILE
Imports the generated package's lineage module, starts a real `dbt build` through dagster-dbt's DbtCliResource
and hands it to lineage.build_model, whose reading of dbt's events is made to fail at the first
event about a node (dbt has the DuckDB file open by then), as a cancelled or crashing step would.
Prints JSON: dbt's exit code right after build_model raised (null: dbt still runs) and whether the
DuckDB file could then be opened for writing.
"""

import json
import sys
import time
import types

import duckdb
from dagster_dbt import DbtCliResource
from load_output import load_package_module

location, project, database = sys.argv[1:4]
lineage = load_package_module(location, "lineage")


class StepFailed(Exception):
    pass


def fail_at_first_node(self, raw_event):
    if isinstance(raw_event, dict) and raw_event.get("data", {}).get("node_info"):
        raise StepFailed("the step failed while dbt ran")


# The generated lineage.build_model is floe_runtime's; its run observer reads dbt's events.
from floe_runtime.lineage import RunLineage  # noqa: E402

RunLineage.observe = fail_at_first_node
invocation = DbtCliResource(project_dir=project, profiles_dir=project).cli(["build"])
started = time.monotonic()
try:
    lineage.build_model(types.SimpleNamespace(run_id="stop-dbt-check", job_name="stop_dbt"), invocation)
except StepFailed:
    pass
returncode = invocation.process.poll()
seconds = time.monotonic() - started
try:
    duckdb.connect(database).close()
    lock = "free"
except duckdb.Error as error:
    lock = str(error)
if returncode is None:  # leave nothing behind whatever the outcome
    invocation.process.kill()
    invocation.process.wait()
print(json.dumps({"returncode": returncode, "lock": lock, "seconds": round(seconds, 3)}))
