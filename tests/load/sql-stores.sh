#!/usr/bin/env bash
# Protected requests per second on the warp demo with its stores in memory, in SQLite and in
# PostgreSQL (and MariaDB when OAUTH1_TEST_MYSQL_URL is set), as ratios to the memory store in
# the same run.
#
#   eval "$(bash tests/db/start.sh)"; bash tests/load/sql-stores.sh [SECONDS] [ROUNDS]
#
# Every demo runs at once, pinned to core 0 (the database servers float); the load generator
# (8 keep-alive connections, every request freshly signed) is pinned to core 1 and drives the
# demos in turn, one round of SECONDS (default 5) per route and demo, ROUNDS times (default 5),
# so that the machine's changing speed touches every store alike. Reported: the median
# /photos rate per store over the rounds, and its ratio to the memory store's. Without
# OAUTH1_TEST_POSTGRES_URL the PostgreSQL row is skipped. Loopback only; bounded.
# Figures: BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
rounds=${2:-5}
pin0=(); pin1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0=(taskset -c 0); pin1=(taskset -c 1); fi

if [ -n "${OAUTH1_LOAD_BINARIES:-}" ]; then
  demo="$OAUTH1_LOAD_BINARIES/photos-oauth1-warp"
else
  cargo build --release --quiet -p oauth1-warp --example photos --target-dir target/load-oauth1-warp
  demo=target/load-oauth1-warp/release/examples/photos
fi
cargo build --release --quiet -p oauth1-tests --bin loadgen

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

declare -A addr
names=(memory sqlite)
declare -A url=([memory]="" [sqlite]="sqlite://$work/photos.db?mode=rwc")
if [ -n "${OAUTH1_TEST_POSTGRES_URL:-}" ]; then names+=(postgres); url[postgres]=$OAUTH1_TEST_POSTGRES_URL; fi
if [ -n "${OAUTH1_TEST_MYSQL_URL:-}" ]; then names+=(mysql); url[mysql]=$OAUTH1_TEST_MYSQL_URL; fi

for name in "${names[@]}"; do
  log="$work/$name.log"
  OAUTH1_DEMO_ADDR=127.0.0.1:0 OAUTH1_DEMO_DATABASE_URL="${url[$name]}" "${pin0[@]}" "$demo" >"$log" 2>&1 &
  pids+=($!)
  a=""
  for _ in $(seq 1 300); do
    a=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$a" ] && break
    sleep 0.1
  done
  if [ -z "$a" ]; then echo "$name: the demo did not start"; cat "$log"; exit 1; fi
  addr[$name]=$a
done

declare -A rates
for r in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    rps=$("${pin1[@]}" target/release/loadgen "${addr[$name]}" 8 "$secs" 1 | awk '$2 == "/photos" {print int($3)}')
    rates[$name]="${rates[$name]:-} $rps"
    echo "round $r: $name /photos $rps req/s"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
base=$(echo "${rates[memory]}" | median)
echo "== median /photos requests per second over $rounds rounds of $secs s (ratio to memory)"
for name in "${names[@]}"; do
  m=$(echo "${rates[$name]}" | median)
  echo "$name: $m req/s ($(awk -v m="$m" -v b="$base" 'BEGIN {printf "%.2f", m / b}'))"
done
