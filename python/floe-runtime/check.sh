#!/usr/bin/env bash
# The checks of floe-runtime (`pnpm test` runs them): ruff lint and format, mypy --strict, pytest
# against real dbt events (dbt-core + dbt-duckdb of the dagster tool venv), and the wheel build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
dev=$(../../scripts/python-env.sh floe-runtime)
dagster=$(../../scripts/python-env.sh dagster)
"$dev/bin/ruff" check .
"$dev/bin/ruff" format --check .
"$dev/bin/mypy"
FLOE_RUNTIME_DBT="$dagster/bin/dbt" "$dev/bin/pytest" -q
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
"$dev/bin/python" -m build --wheel --no-isolation --outdir "$wheels" . >/dev/null
"$dev/bin/python" - "$wheels" <<'PY'
import pathlib, sys, zipfile

(wheel,) = pathlib.Path(sys.argv[1]).glob("floe_runtime-*-py3-none-any.whl")
names = set(zipfile.ZipFile(wheel).namelist())
expected = {f"floe_runtime/{m}" for m in ("__init__.py", "airflow.py", "dagster.py", "dbt_events.py", "dbt_failures.py", "dbt_results.py", "lineage.py", "py.typed")}
missing = expected - names
if missing:
    sys.exit(f"floe-runtime wheel lacks {sorted(missing)}")
print(f"floe-runtime: built {wheel.name}")
PY
