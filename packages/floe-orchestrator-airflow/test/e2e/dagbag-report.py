"""Loads a folder of DAG files in one DagBag and writes what Airflow sees as JSON (usage: FOLDER OUT.json)."""
import ast
import json
import pathlib
import sys

import attrs

from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization


def main(folder, out):
    bag = DagBag(dag_folder=folder)
    report = {"import_errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}, "ast_errors": {}}
    for path in sorted(pathlib.Path(folder).glob("*.py")):
        try:
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as error:
            report["ast_errors"][path.name] = str(error)
    for dag_id, dag in sorted(bag.dags.items()):
        # What the scheduler sees: the DAG after a serialization round trip.
        serialized = DagSerialization.from_dict(DagSerialization.to_dict(dag))
        report["dags"][dag_id] = {
            "timetable": type(dag.timetable).__name__,
            "timetable_fields": {k: str(v) for k, v in attrs.asdict(dag.timetable, recurse=False).items()}
            if attrs.has(type(dag.timetable))
            else {},
            "catchup": dag.catchup,
            "tags": sorted(dag.tags),
            "doc_md": dag.doc_md,
            "tasks": {
                t.task_id: {
                    "upstream": sorted(t.upstream_task_ids),
                    "serialized_upstream": sorted(serialized.get_task(t.task_id).upstream_task_ids),
                    "model": (getattr(t, "env", None) or {}).get("FLOE_DBT_MODEL"),
                    "retries": t.retries,
                    "owner": t.owner,
                    "template_fields": list(t.template_fields),
                    "execution_timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                }
                for t in dag.tasks
            },
        }
    with open(out, "w") as fh:
        json.dump(report, fh)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
