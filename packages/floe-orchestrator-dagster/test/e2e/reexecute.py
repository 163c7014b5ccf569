"""Runs a job of a generated code location on a persistent DagsterInstance (DAGSTER_HOME), then re-executes
it from failure through Dagster's Python API (execute_job + ReexecutionOptions.from_failure), and prints
what each run did as JSON: its status, the assets it materialized, its asset check results, and the dbt
nodes its dbt invocation selected, with their status (from that invocation's run_results.json).

Usage: python reexecute.py <output dir> <job name> <dbt project dir>
"""

import json
import sys
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, ReexecutionOptions, execute_job
from dagster._core.definitions.reconstruct import ReconstructableRepository
from load_output import definitions_module


def dbt_nodes_of_latest_invocation(project: Path, before: set[Path]) -> list[dict[str, str]]:
    """The nodes dbt ran in the invocation that wrote a run_results.json not seen before (dagster-dbt gives
    each invocation its own target path under the project's target/)."""
    new = sorted(set((project / "target").glob("*/run_results.json")) - before)
    assert len(new) == 1, f"expected one new dbt invocation, got {new}"
    results = json.loads(new[0].read_text())["results"]
    return [{"unique_id": r["unique_id"], "status": r["status"]} for r in results]


def report(instance: DagsterInstance, result, project: Path, before: set[Path]) -> dict:
    run_id = result.run_id
    materialized = sorted(
        "/".join(e.dagster_event.asset_key.path)
        for e in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
    )
    checks = sorted(
        (
            "/".join(e.dagster_event.event_specific_data.asset_key.path) + ":" + e.dagster_event.event_specific_data.check_name,
            e.dagster_event.event_specific_data.passed,
        )
        for e in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    )
    run = instance.get_run_by_id(run_id)
    return {
        "run_id": run_id,
        "parent_run_id": run.parent_run_id,
        "tags": {k: v for k, v in run.tags.items() if k.startswith("dagster/")},
        "success": result.success,
        "materialized": materialized,
        "checks": checks,
        "dbt_nodes": dbt_nodes_of_latest_invocation(project, before),
    }


def main() -> None:
    output_dir, job_name, project = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    # As `dagster -m <module> -d <output dir>`: step processes import the package from the output directory.
    repository = ReconstructableRepository.for_module(definitions_module(output_dir), "defs", working_directory=output_dir)
    job = repository.get_reconstructable_job(job_name)
    with DagsterInstance.get() as instance:
        seen = set((project / "target").glob("*/run_results.json"))
        with execute_job(job, instance=instance) as first:
            first_report = report(instance, first, project, seen)
        seen = set((project / "target").glob("*/run_results.json"))
        options = ReexecutionOptions.from_failure(first.run_id, instance)
        with execute_job(job, instance=instance, reexecution_options=options) as retry:
            retry_report = report(instance, retry, project, seen)
    print(json.dumps({"first": first_report, "retry": retry_report}))


# The multiprocess executor's step processes import this module again: run only as the main program.
if __name__ == "__main__":
    main()
