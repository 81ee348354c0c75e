#!/usr/bin/env bash
# What protection costs a running server, on every adapter demo: protected / unprotected rps.
#
#   bash tests/load/e2e.sh [SECONDS] [ROUNDS] [CONNECTIONS]
#
# Each release demo (memory store) in turn runs pinned to core 0; the load generator, pinned to
# core 1, alternates rounds of freshly signed GET /public and GET /photos (8 keep-alive
# connections by default) and reports, per demo, the median over the rounds of the rps ratio
# /photos ÷ /public and the server's CPU time per request on each route (from /proc/PID/stat).
# The demos are called `photos` in every adapter crate: each gets its own target directory, or
# OAUTH1_LOAD_BINARIES=DIR takes DIR/photos-oauth1-{warp,rocket,axum}, already built.
# Loopback only; every loop is bounded. Figures: BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-2}
rounds=${2:-9}
connections=${3:-8}
pin0=(); pin1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0=(taskset -c 0); pin1=(taskset -c 1); fi

declare -A binary
for pkg in oauth1-warp oauth1-rocket oauth1-axum; do
  if [ -n "${OAUTH1_LOAD_BINARIES:-}" ]; then
    binary[$pkg]="$OAUTH1_LOAD_BINARIES/photos-$pkg"
  else
    cargo build --release --quiet -p "$pkg" --example photos --target-dir "target/load-$pkg"
    binary[$pkg]="target/load-$pkg/release/examples/photos"
  fi
done
loadgen=${OAUTH1_LOADGEN:-}
if [ -z "$loadgen" ]; then
  cargo build --release --quiet -p oauth1-tests --bin loadgen
  loadgen=target/release/loadgen
fi

summary=()
for pkg in oauth1-warp oauth1-rocket oauth1-axum; do
  log=$(mktemp)
  OAUTH1_DEMO_ADDR=127.0.0.1:0 "${pin0[@]}" "${binary[$pkg]}" >"$log" 2>&1 &
  pid=$!
  addr=""
  for _ in $(seq 1 300); do
    addr=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  if [ -z "$addr" ]; then echo "$pkg: did not start"; cat "$log"; kill "$pid"; exit 1; fi
  echo "== $pkg on $addr (pid $pid)"
  out=$("${pin1[@]}" "$loadgen" "$addr" "$connections" "$secs" "$rounds" "$pid")
  echo "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$log"
  ratio=$(sed -n 's/^protected\/unprotected throughput, median of .* rounds: //p' <<<"$out")
  cpu=$(sed -n 's/^server CPU per request, median of .* rounds: //p' <<<"$out")
  summary+=("$pkg: /photos ÷ /public $ratio; $cpu")
done
echo "== summary ($rounds rounds of $secs s per route, $connections connections)"
printf '%s\n' "${summary[@]}"
