#!/usr/bin/env bash
# Prints the path of a pinned Helm binary: the cached build, else one built once with `go install`
# from the Go module proxy. A helm already on PATH at the pinned version is used as is.
set -euo pipefail
version=v3.19.0
cache=${FLOE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/floe}
dir="$cache/helm-$version"
if command -v helm >/dev/null 2>&1 && helm version --short 2>/dev/null | grep -q "^$version"; then
  command -v helm; exit 0
fi
mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [ ! -x "$dir/bin/helm" ]; then
  echo "ensure-helm: building helm $version with go install (first run only)" >&2
  GOBIN="$dir/bin" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$version" >&2
fi
echo "$dir/bin/helm"
