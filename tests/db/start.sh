#!/usr/bin/env bash
# Starts a throwaway PostgreSQL and a throwaway MariaDB (or MySQL) for the SQL store's tests,
# in a new temporary directory, on free loopback ports, and prints the variables the tests read:
#
#   eval "$(bash tests/db/start.sh)"     # OAUTH1_TEST_POSTGRES_URL, OAUTH1_TEST_MYSQL_URL, OAUTH1_TEST_DB_DIR
#   cargo test -p oauth1-sqlx
#   bash tests/db/stop.sh                # stops both and removes the directory
#
# Needs Debian's `postgresql` and `mariadb-server` packages (installed, not running: nothing here
# uses systemd or the packages' own clusters). Runs as any user; as root the servers run as the
# `postgres` and `mysql` users, which refuse root. `start.sh postgres` or `start.sh mysql` starts
# one. The data is disposable: both servers skip flushing to disk (fsync off,
# innodb_flush_log_at_trx_commit=0), which the tests do not test. Logs go to stderr and
# $OAUTH1_TEST_DB_DIR/*.log; stdout has only the export lines.
set -euo pipefail
which=${1:-all}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free port" >&2; return 1
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/oauth1-db.XXXXXX")
chmod 755 "$dir"
root=false
[ "$(id -u)" = 0 ] && root=true
# Runs a command as the given service user when we are root, else as ourselves.
as() {
  local user=$1; shift
  if $root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

if [ "$which" = all ] || [ "$which" = postgres ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  mkdir -p "$dir/pg"
  $root && chown postgres: "$dir/pg"
  pgport=$(free_port)
  as postgres "$pgbin/initdb" -D "$dir/pg/data" -U oauth1 --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/postgres-init.log" 2>&1 \
    || { cat "$dir/postgres-init.log" >&2; exit 1; }
  as postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 60 \
    -o "-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2
  as postgres "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U oauth1 oauth1_test
  echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pgport" >&2
  echo "export OAUTH1_TEST_POSTGRES_URL=postgres://oauth1@127.0.0.1:$pgport/oauth1_test"
fi

if [ "$which" = all ] || [ "$which" = mysql ]; then
  command -v mariadbd >/dev/null || command -v mysqld >/dev/null \
    || { echo "MariaDB is not installed (apt-get install mariadb-server)" >&2; exit 1; }
  server=$(command -v mariadbd || command -v mysqld)
  install_db=$(command -v mariadb-install-db || command -v mysql_install_db)
  client=$(command -v mariadb || command -v mysql)
  mkdir -p "$dir/my"
  myuser=$(id -un)
  if $root; then myuser=mysql; chown mysql: "$dir/my"; fi
  myport=$(free_port)
  "$install_db" --no-defaults --user="$myuser" --datadir="$dir/my/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/mysql-init.log" 2>&1 || { cat "$dir/mysql-init.log" >&2; exit 1; }
  nohup "$server" --no-defaults --user="$myuser" --datadir="$dir/my/data" --socket="$dir/my/mysql.sock" \
    --pid-file="$dir/my/mysql.pid" --port="$myport" --bind-address=127.0.0.1 --skip-log-bin \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=128M --max-connections=300 \
    --log-error="$dir/my/mysql.log" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 300); do
    [ -S "$dir/my/mysql.sock" ] && "$client" --no-defaults -S "$dir/my/mysql.sock" -u root -e "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$client" --no-defaults -S "$dir/my/mysql.sock" -u root -e "
    CREATE DATABASE oauth1_test;
    CREATE USER 'oauth1'@'127.0.0.1' IDENTIFIED BY 'oauth1';
    GRANT ALL ON oauth1_test.* TO 'oauth1'@'127.0.0.1';" \
    || { echo "MariaDB did not start:" >&2; cat "$dir/my/mysql.log" >&2; exit 1; }
  echo "$("$server" --version | cut -d' ' -f2-4) on 127.0.0.1:$myport" >&2
  echo "export OAUTH1_TEST_MYSQL_URL=mysql://oauth1:oauth1@127.0.0.1:$myport/oauth1_test"
fi

echo "export OAUTH1_TEST_DB_DIR=$dir"
