"""Times one DagBag fill of a DAG folder in this process and prints JSON (usage: WARMUP_FOLDER FOLDER).

Airflow, the standard provider and Cosmos are imported, and a tiny DAG of the same kind is parsed,
before the clock starts: the number is the cost of parsing the DAG itself, not of first imports.
"""
import json
import sys
import time

import airflow.sdk  # noqa: F401
import airflow.providers.standard.operators.bash  # noqa: F401
import cosmos  # noqa: F401
from airflow.dag_processing.dagbag import DagBag

warmup, folder = sys.argv[1], sys.argv[2]
DagBag(dag_folder=warmup)
started = time.perf_counter()
bag = DagBag(dag_folder=folder)
elapsed = time.perf_counter() - started
print(json.dumps({
    "seconds": elapsed,
    "dags": len(bag.dags),
    "tasks": sum(len(d.tasks) for d in bag.dags.values()),
    "import_errors": {k: str(v)[-500:] for k, v in bag.import_errors.items()},
}))
