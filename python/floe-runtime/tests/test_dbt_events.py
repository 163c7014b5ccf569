from __future__ import annotations

from conftest import BROKEN_MODEL, DbtBuild
from floe_runtime.dbt_events import NodeEvent, read_json_lines, read_node_event


def node_events(build: DbtBuild) -> list[NodeEvent]:
    return [event for raw in build.events if (event := read_node_event(raw)) is not None]


def test_every_node_dbt_ran_starts_once_and_ends_with_its_run_results_status(dbt_build: DbtBuild) -> None:
    assert dbt_build.returncode == 1  # the broken model
    events = node_events(dbt_build)
    ran = {r["unique_id"]: r["status"] for r in dbt_build.run_results["results"] if r["status"] != "skipped"}
    assert len(ran) > 10
    starts = [e.unique_id or "" for e in events if e.kind == "start"]
    assert sorted(starts) == sorted(ran)
    results = {e.unique_id: e for e in events if e.kind == "result"}
    assert set(results) == set(ran)
    for unique_id, status in ran.items():
        assert results[unique_id].status == status, unique_id


def test_a_failed_model_reads_as_failed_with_dbts_message_without_colour(dbt_build: DbtBuild) -> None:
    events = node_events(dbt_build)
    failed = [e for e in events if e.kind == "result" and e.failed]
    assert [e.unique_id for e in failed] == [f"model.jaffle_shop.{BROKEN_MODEL}"]
    assert failed[0].name == BROKEN_MODEL
    assert failed[0].resource_type == "model"
    assert "ERROR creating" in failed[0].message
    assert "\x1b[" not in failed[0].message
    succeeded = {e.name for e in events if e.kind == "result" and e.succeeded}
    assert {"stg_orders", "customers", "raw_orders"} <= succeeded
    assert not {e for e in events if e.kind == "result" and e.succeeded and e.failed}


def test_other_events_and_lines_are_not_node_events(dbt_build: DbtBuild) -> None:
    others = [raw for raw in dbt_build.events if read_node_event(raw) is None]
    assert "MainReportVersion" in {raw["info"]["name"] for raw in others}
    assert read_node_event({}) is None
    assert read_node_event({"info": "not a mapping", "data": []}) is None
    assert list(read_json_lines(["12:00:00 plain text", "{not json", "[1]", '{"info": {}}'])) == [{"info": {}}]
