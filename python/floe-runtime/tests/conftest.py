"""Real dbt events: dbt-core and dbt-duckdb (FLOE_RUNTIME_DBT, the dbt of `scripts/python-env.sh dagster`)
build a copy of the repository's examples/jaffle_shop with its `orders` model broken, once per session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from floe_runtime.dbt_events import read_json_lines

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "jaffle_shop"
# a <- flaky (fails on its first attempt) <- after_flaky; bad_data (its unique test fails) <- after_bad.
RETRY_PROJECT = Path(__file__).resolve().parents[3] / "test" / "fixtures" / "dbt" / "retry_demo"
BROKEN_MODEL = "orders"


@dataclass(frozen=True)
class DbtBuild:
    events: list[dict[str, Any]]
    run_results: dict[str, Any]
    returncode: int
    target: Path


@pytest.fixture(scope="session")
def dbt_build(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    dbt = os.environ.get("FLOE_RUNTIME_DBT")
    if not dbt:
        pytest.fail("FLOE_RUNTIME_DBT must name a dbt executable with dbt-duckdb (pnpm test sets it)")
    project = tmp_path_factory.mktemp("dbt") / "jaffle_shop"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal"))
    (project / "models" / "marts" / f"{BROKEN_MODEL}.sql").write_text("select no_such_column from no_such_table\n")
    env = {
        **os.environ,
        "FLOE_DUCKDB_PATH": str(project / "warehouse.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    result = subprocess.run(
        [dbt, "build", "--log-format", "json", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    run_results = project / "target" / "run_results.json"
    if not run_results.exists():
        pytest.fail(
            f"dbt build wrote no run_results.json (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return DbtBuild(
        events=list(read_json_lines(result.stdout.splitlines())),
        run_results=json.loads(run_results.read_text()),
        returncode=result.returncode,
        target=project / "target",
    )


@dataclass(frozen=True)
class RetryBuild:
    log_file: Path
    run_results: Path
    returncode: int


@pytest.fixture(scope="session")
def retry_build(tmp_path_factory: pytest.TempPathFactory) -> RetryBuild:
    """One `dbt build` of the dbt-retry fixture on its first attempt: flaky errors, bad_data's test fails;
    dbt writes its log as JSON to a file, as floe's Airflow operator has it do."""
    dbt = os.environ.get("FLOE_RUNTIME_DBT")
    if not dbt:
        pytest.fail("FLOE_RUNTIME_DBT must name a dbt executable with dbt-duckdb (pnpm test sets it)")
    root = tmp_path_factory.mktemp("retry")
    project = root / "project"
    shutil.copytree(RETRY_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal"))
    env = {
        **os.environ,
        "FLOE_DUCKDB_PATH": str(root / "warehouse.duckdb"),
        "FLOE_FLAKY_MARKER": str(root / "flaky-marker"),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_LOG_FORMAT_FILE": "json",
        "DBT_LOG_LEVEL_FILE": "info",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    result = subprocess.run(
        [dbt, "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return RetryBuild(
        log_file=root / "logs" / "dbt.log", run_results=project / "target" / "run_results.json", returncode=result.returncode
    )
