from __future__ import annotations

from conftest import RetryBuild
from floe_runtime.dbt_failures import (
    NodeResult,
    failed_models,
    failed_tests,
    results_from_log_file,
    results_from_run_results,
    should_retry,
)

FLAKY = "model.retry_demo.flaky"
BAD_DATA = "model.retry_demo.bad_data"
BAD_TEST = "test.retry_demo.unique_bad_data_id.ddb7dc8dcd"


def only(results: list[NodeResult], *prefixes: str) -> list[NodeResult]:
    """The results one per-model task (`dbt build --select <model>`) would have seen."""
    return [r for r in results if r.unique_id.startswith(prefixes)]


def test_the_json_log_and_run_results_report_the_same_failures(retry_build: RetryBuild) -> None:
    assert retry_build.returncode == 1
    from_log = results_from_log_file(retry_build.log_file)
    from_run_results = results_from_run_results(retry_build.run_results)
    assert failed_models(from_log) == failed_models(from_run_results) == [FLAKY]
    assert failed_tests(from_log) == failed_tests(from_run_results) == [BAD_TEST]
    # a model that built reads as success, not as a failure
    assert {r.status for r in from_log if r.unique_id == BAD_DATA} == {"success"}


def test_a_failed_data_test_on_a_model_that_built_is_not_retried(retry_build: RetryBuild) -> None:
    results = only(results_from_log_file(retry_build.log_file), BAD_DATA, BAD_TEST)
    assert [r.unique_id for r in results] == [BAD_DATA, BAD_TEST]
    assert should_retry(results) is False
    assert should_retry(results, retry_test_failures=True) is True


def test_a_model_error_is_retried(retry_build: RetryBuild) -> None:
    results = only(results_from_log_file(retry_build.log_file), FLAKY)
    assert should_retry(results) is True
    # the whole invocation holds a model error too: retried, whatever its tests did
    assert should_retry(results_from_log_file(retry_build.log_file)) is True


def test_no_results_and_errored_tests_stay_retryable(tmp_path: object) -> None:
    # dbt could not start, parse or connect: nothing reported, so nothing says the data is wrong
    assert should_retry([]) is True
    assert results_from_log_file("/nonexistent/dbt.log") == []
    # a test whose SQL could not run (status error) may be transient
    errored = [NodeResult("model.p.m", "model", "success"), NodeResult("test.p.t", "test", "error")]
    assert should_retry(errored) is True
    # a unit test failing (the model is then skipped) is wrong code, not a transient fault
    unit = [NodeResult("unit_test.p.m.u", "unit_test", "fail"), NodeResult("model.p.m", "model", "skipped")]
    assert should_retry(unit) is False
