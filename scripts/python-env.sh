#!/usr/bin/env bash
# Creates (once) and prints the path of the cached virtual environment for one Python tool.
# The cache lives outside the clone, keyed by a hash of python/<tool>/requirements.txt, so a
# fresh clone (CI) and the next run reuse it. Usage: scripts/python-env.sh dagster|airflow|floe-runtime
# (floe-runtime: the development tools of python/floe-runtime, from its requirements-dev.txt).
# The dagster and airflow environments also get python/floe-runtime, the package generated code
# imports, installed from this clone and reinstalled whenever its sources change.
set -euo pipefail
tool=${1:?usage: python-env.sh <tool>}
root=$(cd "$(dirname "$0")/.." && pwd)
req="$root/python/$tool/requirements.txt"
[ -f "$req" ] || req="$root/python/$tool/requirements-dev.txt"
[ -f "$req" ] || { echo "python-env: no requirements file at python/$tool/requirements.txt" >&2; exit 2; }
python=${FLOE_PYTHON:-python3}
hash=$( { "$python" --version 2>&1; cat "$req"; } | sha256sum | cut -c1-16)
cache=${FLOE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/floe}
venv="$cache/venv/$tool-$hash"
mkdir -p "$cache/venv"
exec 9>"$venv.lock"
flock 9
if [ ! -f "$venv/.floe-ready" ]; then
  rm -rf "$venv"
  echo "python-env: building $tool environment in $venv (first run only; several minutes)" >&2
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet -r "$req" >&2
  "$venv/bin/python" -m pip freeze > "$venv/.floe-freeze.txt"
  touch "$venv/.floe-ready"
fi
runtime="$root/python/floe-runtime"
case "$tool" in
  dagster* | airflow*)
    if [ -f "$runtime/pyproject.toml" ]; then
      stamp=$(cd "$runtime" && find pyproject.toml README.md LICENSE src -type f -not -name '*.pyc' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
      if [ "$(cat "$venv/.floe-runtime" 2>/dev/null)" != "$stamp" ]; then
        # Not editable: the venv outlives this clone. No dependencies: the venv pins its own.
        "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$runtime" >&2
        echo "$stamp" > "$venv/.floe-runtime"
      fi
    fi
    ;;
esac
echo "$venv"
