"""After a run: rows per model in the DuckDB file, and the asset-check evaluations in the Dagster event log, as JSON."""

import json
import sys

import duckdb
from dagster import DagsterEventType, DagsterInstance, EventRecordsFilter

database, models = sys.argv[1], json.loads(sys.argv[2])
rows = {}
with duckdb.connect(database, read_only=True) as con:
    found = con.execute("select table_schema, table_name, table_type from information_schema.tables").fetchall()
    for name in models:
        matches = [(schema, kind) for schema, table, kind in found if table == name]
        rows[name] = [
            {"schema": schema, "type": kind, "rows": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]}
            for schema, kind in matches
        ]

instance = DagsterInstance.get()
records = instance.get_event_records(EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION))
checks = sorted(
    (
        r.event_log_entry.dagster_event.event_specific_data.asset_check_key.to_user_string(),
        r.event_log_entry.dagster_event.event_specific_data.passed,
    )
    for r in records
)
print(json.dumps({"rows": rows, "checks": [{"key": k, "passed": p} for k, p in checks]}))
