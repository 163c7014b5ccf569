#!/usr/bin/env bash
# Creates (once) and prints the path of the cached virtual environment for one Python tool.
# The cache lives outside the clone, keyed by a hash of python/<tool>/requirements.txt, so a
# fresh clone (CI) and the next run reuse it. Usage: scripts/python-env.sh dagster|airflow
set -euo pipefail
tool=${1:?usage: python-env.sh <tool>}
root=$(cd "$(dirname "$0")/.." && pwd)
req="$root/python/$tool/requirements.txt"
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
echo "$venv"
