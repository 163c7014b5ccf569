"""Which earlier runs a Dagster step continues (floe_runtime.dagster._runs_to_resume), with stand-ins for
Dagster's run records: the real re-execution is run by the Dagster plugin's e2e test (test/e2e/retry.test.ts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from floe_runtime.dagster import RESUME_RETRY_TAG, _runs_to_resume


@dataclass
class Run:
    run_id: str
    status: str = "FAILURE"
    parent_run_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    step_keys_to_execute: list[str] | None = None


class Instance:
    def __init__(self, *runs: Run) -> None:
        self.runs = {run.run_id: run for run in runs}

    def get_run_by_id(self, run_id: str) -> Run | None:
        return self.runs.get(run_id)


@dataclass
class Context:
    run: Run
    instance: Instance
    retry_number: int = 0


def context(run: Run, *others: Run, retry_number: int = 0) -> Any:
    return Context(run, Instance(run, *others), retry_number)


def test_a_fresh_run_and_a_full_reexecution_start_fresh() -> None:
    assert _runs_to_resume(context(Run("r1", status="STARTED"))) == []
    # re-execute all steps: a parent, no resume tag, no step subset
    assert _runs_to_resume(context(Run("r2", parent_run_id="r1"), Run("r1"))) == []


def test_a_reexecution_from_failure_continues_its_parent_tagged_or_from_the_python_api() -> None:
    tagged = Run("r2", parent_run_id="r1", tags={RESUME_RETRY_TAG: "true"})
    assert _runs_to_resume(context(tagged, Run("r1"))) == ["r1"]
    # execute_job with ReexecutionOptions.from_failure: no tag, the failed steps only
    python_api = Run("r2", parent_run_id="r1", step_keys_to_execute=["dbt_models"])
    assert _runs_to_resume(context(python_api, Run("r1"))) == ["r1"]
    # the same steps re-executed from a run that succeeded: a fresh build
    assert _runs_to_resume(context(python_api, Run("r1", status="SUCCESS"))) == []


def test_a_chain_of_reexecutions_is_read_oldest_first_and_a_step_retry_adds_the_run_itself() -> None:
    r1 = Run("r1")
    r2 = Run("r2", parent_run_id="r1", tags={RESUME_RETRY_TAG: "true"})
    r3 = Run("r3", status="STARTED", parent_run_id="r2", tags={RESUME_RETRY_TAG: "true"})
    assert _runs_to_resume(context(r3, r1, r2)) == ["r1", "r2"]
    assert _runs_to_resume(context(r3, r1, r2, retry_number=1)) == ["r1", "r2", "r3"]
    # a full re-execution in the chain ends it: what it rebuilt replaces what came before
    r2_all = Run("r2", parent_run_id="r1")
    assert _runs_to_resume(context(r3, r1, r2_all)) == ["r2"]
