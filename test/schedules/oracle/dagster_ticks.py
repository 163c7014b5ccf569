"""Oracle: Dagster's own schedule tick iteration for a batch of cases (JSON on stdin, JSON on stdout)."""
import datetime
import itertools

from dagster._utils.schedules import is_valid_cron_schedule, schedule_execution_time_iterator

from oracle_batch import serve


def run(case):
    if not is_valid_cron_schedule(case["cron"]):
        return {"id": case["id"], "error": "invalid cron"}
    start = datetime.datetime.fromisoformat(case["from"].replace("Z", "+00:00")).timestamp()
    ticks = schedule_execution_time_iterator(start, case["cron"], case["timezone"])
    return {"id": case["id"], "times": [t.isoformat() for t in itertools.islice(ticks, case["count"])]}


serve(run)
