#!/usr/bin/env bash
# Prints the directory holding PostgreSQL's server binaries (initdb, pg_ctl, postgres, psql) from
# Debian's `postgresql` package, installing the package first when it is missing (as root: one
# `apt-get update`, then `apt-get install -y postgresql`). The charts' boot test starts its own server
# from these binaries in a temp dir; nothing here starts or configures a server.
set -euo pipefail
find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then echo "$dir"; return 0; fi
  done
  return 1
}
if bin=$(find_bin); then echo "$bin"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-postgres: PostgreSQL is not installed; run as root: apt-get update && apt-get install -y postgresql" >&2
  exit 1
fi
exec 9>/var/lock/floe-ensure-postgres.lock
flock 9
if ! bin=$(find_bin); then
  echo "ensure-postgres: installing Debian's postgresql package (first run only)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
  bin=$(find_bin)
fi
echo "$bin"
