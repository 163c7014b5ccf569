"""Times one DagBag fill of a DAG folder in this process and prints JSON (usage: FOLDER).

Airflow, the standard provider and Cosmos are imported before the clock starts, so the number is
the cost of parsing the DAG file itself, not of importing the libraries it uses.
"""
import json
import sys
import time

import airflow.sdk  # noqa: F401
import airflow.providers.standard.operators.bash  # noqa: F401
import cosmos  # noqa: F401
from airflow.dag_processing.dagbag import DagBag

folder = sys.argv[1]
started = time.perf_counter()
bag = DagBag(dag_folder=folder)
elapsed = time.perf_counter() - started
print(json.dumps({
    "seconds": elapsed,
    "dags": len(bag.dags),
    "tasks": sum(len(d.tasks) for d in bag.dags.values()),
    "import_errors": {k: str(v)[-500:] for k, v in bag.import_errors.items()},
}))
