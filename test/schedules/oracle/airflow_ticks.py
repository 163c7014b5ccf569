"""Oracle: Airflow 3's CronTriggerTimetable.next_dagrun_info for a batch of cases (JSON on stdin/stdout).

Each case is a DAG with catchup and start_date = `from`: the first run is next_dagrun_info with no
previous run, each later one is next_dagrun_info after the previous run's data interval.
"""
import pendulum
from airflow.timetables.base import TimeRestriction
from airflow.timetables.trigger import CronTriggerTimetable

from oracle_batch import serve


def run(case):
    timetable = CronTriggerTimetable(case["cron"], timezone=case["timezone"])
    timetable.validate()
    restriction = TimeRestriction(earliest=pendulum.parse(case["from"]), latest=None, catchup=True)
    last = None
    times = []
    for _ in range(case["count"]):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        times.append(info.run_after.in_timezone(case["timezone"]).isoformat())
        last = info.data_interval
    return {"id": case["id"], "times": times}


serve(run)
