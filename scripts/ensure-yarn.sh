#!/usr/bin/env bash
# Prints the path of a pinned Yarn 4 (Berry) CLI, a single yarn.js run with node. It comes from the npm
# registry package @yarnpkg/cli-dist (plain `npm pack`), not from corepack, whose download host may be
# unreachable; cached outside the clone and unpacked once.
set -euo pipefail
version=4.18.1
cache=${FLOE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/floe}
dir="$cache/yarn-$version"
mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/bin/yarn.js" ]; then
  echo "ensure-yarn: fetching @yarnpkg/cli-dist@$version from the npm registry (first run only)" >&2
  tmp=$(mktemp -d "$cache/yarn-download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@yarnpkg/cli-dist@$version" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/yarnpkg-cli-dist-"$version".tgz -C "$tmp/unpacked"
  rm -rf "$dir"
  mv "$tmp/unpacked/package" "$dir"
fi
if [ "$(node "$dir/bin/yarn.js" --version)" != "$version" ]; then
  echo "ensure-yarn: $dir/bin/yarn.js is not yarn $version" >&2
  exit 1
fi
echo "$dir/bin/yarn.js"
