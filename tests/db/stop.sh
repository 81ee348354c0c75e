#!/usr/bin/env bash
# Stops the servers tests/db/start.sh started (in $OAUTH1_TEST_DB_DIR, or the directory given)
# and removes their directory.
set -uo pipefail
dir=${1:-${OAUTH1_TEST_DB_DIR:-}}
[ -n "$dir" ] && [ -d "$dir" ] || { echo "usage: stop.sh DIR (or set OAUTH1_TEST_DB_DIR)" >&2; exit 1; }
case "$dir" in */oauth1-db.*) ;; *) echo "not a start.sh directory: $dir" >&2; exit 1 ;; esac
if [ -f "$dir/pg/data/postmaster.pid" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >&2
  else
    "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >&2
  fi
fi
if [ -f "$dir/my/mysql.pid" ]; then
  pid=$(cat "$dir/my/mysql.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -rf "$dir"
