"""Oracle: Dagster's own schedule tick iteration for a batch of cases (JSON on stdin, JSON on stdout)."""
import datetime
import itertools
import json
import sys

from dagster._utils.schedules import is_valid_cron_schedule, schedule_execution_time_iterator


def run(case):
    if not is_valid_cron_schedule(case["cron"]):
        return {"id": case["id"], "error": "invalid cron"}
    start = datetime.datetime.fromisoformat(case["from"].replace("Z", "+00:00")).timestamp()
    ticks = schedule_execution_time_iterator(start, case["cron"], case["timezone"])
    return {"id": case["id"], "times": [t.isoformat() for t in itertools.islice(ticks, case["count"])]}


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(run(case))
        except Exception as error:  # reported per case, compared by the test
            results.append({"id": case["id"], "error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


main()
