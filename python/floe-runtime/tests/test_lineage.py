from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.serde import Serde
from openlineage.client.transport import Transport

from conftest import BROKEN_MODEL, DbtBuild
from floe_runtime import lineage
from floe_runtime.lineage import LineageConfig, RunLineage, make_client, new_run_id, run_id_for

NAMESPACE = "floe-test"
JOB = "shop"
API_KEY = "floe-test-key-91c2"


class Recording(Transport):
    """An in-memory OpenLineage transport: what the real client would send, as JSON dicts."""

    kind = "recording"

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def emit(self, event: Any) -> None:
        self.events.append(json.loads(Serde.to_json(event)))


def product_config(build: DbtBuild, *, with_ids: bool = True) -> LineageConfig:
    nodes = [r["unique_id"] for r in build.run_results["results"] if r["unique_id"].split(".")[0] in ("model", "seed")]
    names = {unique_id: unique_id.split(".")[-1] for unique_id in nodes}
    return LineageConfig(
        namespace=NAMESPACE,
        producer="https://example.invalid/floe-runtime-tests",
        default_job=JOB,
        transport="console",
        jobs={"__ASSET_JOB": JOB},
        models={
            name: [[["duckdb://warehouse", f"main.src_{name}"]], [["duckdb://warehouse", f"main.{name}"]]]
            for name in names.values()
        },
        unique_ids=names if with_ids else {},
    )


def by_job(events: list[dict[str, Any]]) -> dict[str, list[str]]:
    jobs: dict[str, list[str]] = {}
    for event in events:
        jobs.setdefault(event["job"]["name"], []).append(event["eventType"])
    return jobs


def replay(build: DbtBuild, config: LineageConfig) -> tuple[RunLineage, Recording]:
    recording = Recording()
    run = RunLineage(config, "__ASSET_JOB", OpenLineageClient(transport=recording))
    run.start_run()
    for raw in build.events:
        run.observe(raw)
    if build.returncode != 0:
        run.fail_run("dbt build failed")
    else:
        run.complete_run()
    return run, recording


def test_a_real_dbt_build_gives_the_run_and_each_model_start_and_an_end(dbt_build: DbtBuild) -> None:
    config = product_config(dbt_build)
    run, recording = replay(dbt_build, config)
    jobs = by_job(recording.events)
    assert jobs.pop(JOB) == ["START", "FAIL"]
    assert jobs.pop(f"{JOB}.{BROKEN_MODEL}") == ["START", "FAIL"]
    # customer_revenue reads orders: dbt skips it, so it never starts.
    assert f"{JOB}.customer_revenue" not in jobs
    assert set(jobs) == {f"{JOB}.{name}" for name in config.models} - {f"{JOB}.{BROKEN_MODEL}", f"{JOB}.customer_revenue"}
    assert all(states == ["START", "COMPLETE"] for states in jobs.values())
    assert run.open_models == {}

    model_events = [e for e in recording.events if e["job"]["name"] != JOB]
    for event in model_events:
        name = event["job"]["name"].split(".", 1)[1]
        assert event["run"]["facets"]["parent"]["run"]["runId"] == run.run_id
        assert event["run"]["facets"]["parent"]["job"]["name"] == JOB
        assert event["run"]["facets"]["parent"]["job"]["namespace"] == NAMESPACE
        assert event["job"]["facets"]["jobType"]["integration"] == "DBT"
        assert [d["name"] for d in event["outputs"]] == [f"main.{name}"]
        assert [d["name"] for d in event["inputs"]] == [f"main.src_{name}"]
    starts = {e["job"]["name"]: e["run"]["runId"] for e in model_events if e["eventType"] == "START"}
    assert len(set(starts.values())) == len(starts)
    for event in model_events:
        assert event["run"]["runId"] == starts[event["job"]["name"]]
    fail = next(e for e in model_events if e["eventType"] == "FAIL")
    assert "ERROR creating" in fail["run"]["facets"]["errorMessage"]["message"]
    assert fail["run"]["facets"]["errorMessage"]["programmingLanguage"] == "SQL"
    run_fail = recording.events[-1]
    assert run_fail["run"]["facets"]["errorMessage"]["message"] == "dbt build failed"


def test_without_dbt_ids_models_are_matched_by_name(dbt_build: DbtBuild) -> None:
    _, recording = replay(dbt_build, product_config(dbt_build, with_ids=False))
    jobs = by_job(recording.events)
    assert jobs[f"{JOB}.stg_orders"] == ["START", "COMPLETE"]
    assert jobs[f"{JOB}.{BROKEN_MODEL}"] == ["START", "FAIL"]
    # Tests are not models: no job for them.
    assert all(name.count(".") <= 1 for name in jobs)


def test_an_orchestrator_run_id_maps_to_one_lineage_run_id() -> None:
    assert run_id_for("dagster", "abc") == run_id_for("dagster", "abc") == str(uuid.uuid5(uuid.NAMESPACE_URL, "dagster-run:abc"))
    assert run_id_for("dagster", "abc") != run_id_for("dagster", "abd")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def backend() -> Iterator[tuple[str, list[tuple[dict[str, str], dict[str, Any]]]]]:
    received: list[tuple[dict[str, str], dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
            self.send_response(201)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def config(**overrides: Any) -> LineageConfig:
    return LineageConfig(**{"namespace": NAMESPACE, "producer": "https://example.invalid/p", "default_job": JOB, **overrides})


def test_http_events_reach_the_backend_with_the_api_key_from_the_environment_only(
    backend: tuple[str, list[tuple[dict[str, str], dict[str, Any]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, received = backend
    monkeypatch.setenv("OPENLINEAGE_API_KEY", API_KEY)
    monkeypatch.delenv("OPENLINEAGE_URL", raising=False)
    RunLineage(config(url=url, transport="http")).start_run()
    assert len(received) == 1
    headers, event = received[0]
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert event["eventType"] == "START"
    assert event["job"] == {"namespace": NAMESPACE, "name": JOB, "facets": event["job"]["facets"]}


def test_openlineage_url_in_the_environment_overrides_the_configured_backend(
    backend: tuple[str, list[tuple[dict[str, str], dict[str, Any]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, received = backend
    monkeypatch.setenv("OPENLINEAGE_URL", url)
    RunLineage(config(transport="console")).complete_run()
    assert [event["eventType"] for _, event in received] == ["COMPLETE"]


def test_a_backend_that_is_down_is_logged_and_never_raises(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENLINEAGE_API_KEY", API_KEY)
    monkeypatch.delenv("OPENLINEAGE_URL", raising=False)
    with caplog.at_level(logging.WARNING, logger="floe.lineage"):
        RunLineage(config(url=f"http://127.0.0.1:{free_port()}", transport="http")).start_run()
    assert "OpenLineage START event for shop not delivered" in caplog.text
    assert API_KEY not in caplog.text


@pytest.mark.parametrize(
    ("overrides", "env"),
    [({"enabled": False}, {}), ({"transport": "noop"}, {}), ({}, {"OPENLINEAGE_DISABLED": "True"})],
)
def test_lineage_turned_off_has_no_client(
    overrides: dict[str, Any], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENLINEAGE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert make_client(config(**overrides)) is None


def test_lineage_on_by_default_has_a_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENLINEAGE_DISABLED", raising=False)
    assert make_client(config()) is not None


def test_without_openlineage_python_a_run_is_observed_with_one_warning_and_no_error(
    dbt_build: DbtBuild, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in [m for m in sys.modules if m == "openlineage" or m.startswith("openlineage.")]:
        monkeypatch.setitem(sys.modules, name, None)  # makes every import of it raise ImportError
    monkeypatch.setattr(lineage, "_warned_missing", False)
    with caplog.at_level(logging.WARNING, logger="floe.lineage"):
        run = RunLineage(product_config(dbt_build))
        run.start_run()
        for raw in dbt_build.events:
            run.observe(raw)
        run.fail_run("dbt build failed")
        RunLineage(product_config(dbt_build)).complete_run()
    assert run.client is None
    assert uuid.UUID(new_run_id())
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "openlineage-python is not installed" in warnings[0]
