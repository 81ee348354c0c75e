#!/usr/bin/env bash
# Sustained load on each demo provider: never refuse a fresh request, and stay in bounded memory.
#
#   bash tests/load/sustained.sh [SECONDS] [RSS_BOUND_MIB]
#
# Each demo (memory store) runs pinned to core 0, driven by the load generator pinned to core 1
# with freshly signed GET /public and GET /photos (8 keep-alive connections). A 10 s probe
# measures the demo's /photos rate R on this machine; the demo is then restarted with its
# live-nonce cap set to R x 75 -- above the documented sizing rule (R x (2 x MIN_WINDOW_SECS + 1)
# = R x 61), far below what keeping the whole 300 s past window would hold (R x 301) -- and
# driven for SECONDS per route (default 120, so /photos passes the cap after about 75 s and
# keeps going). The load generator fails on any answer but 200; this script then fails when
# the server's peak RSS (VmHWM) exceeds the bound: RSS_BOUND_MIB, by default 32 MiB plus twice
# the documented BYTES_PER_NONCE (48) per nonce of the cap. Loopback only; every loop is bounded.
# Figures: BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-120}
bound_mib=${2:-}
pin0=(); pin1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0=(taskset -c 0); pin1=(taskset -c 1); fi

# The examples are all called `photos`: each gets its own target directory (as the tests do), so
# that one never runs another's binary. OAUTH1_LOAD_BINARIES=DIR uses DIR/photos-oauth1-warp,
# DIR/photos-oauth1-rocket and DIR/photos-oauth1-axum instead (already built).
declare -A binary
for pkg in oauth1-warp oauth1-rocket oauth1-axum; do
  if [ -n "${OAUTH1_LOAD_BINARIES:-}" ]; then
    binary[$pkg]="$OAUTH1_LOAD_BINARIES/photos-$pkg"
  else
    cargo build --release --quiet -p "$pkg" --example photos --target-dir "target/load-$pkg"
    binary[$pkg]="target/load-$pkg/release/examples/photos"
  fi
done
cargo build --release --quiet -p oauth1-tests --bin loadgen

# Starts $1's demo with nonce cap $2; sets $pid and $addr.
start() {
  log=$(mktemp)
  OAUTH1_DEMO_ADDR=127.0.0.1:0 OAUTH1_DEMO_MAX_NONCES="$2" "${pin0[@]}" "${binary[$1]}" >"$log" 2>&1 &
  pid=$!
  addr=""
  for _ in $(seq 1 300); do
    addr=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  if [ -z "$addr" ]; then echo "$1: did not start"; cat "$log"; kill "$pid"; exit 1; fi
}

status=0
for pkg in oauth1-warp oauth1-rocket oauth1-axum; do
  start "$pkg" 100000000
  rate=$("${pin1[@]}" target/release/loadgen "$addr" 8 10 1 | awk '$2 == "/photos" {print int($3)}')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  cap=$((rate * 75))
  start "$pkg" "$cap"
  echo "== $pkg on $addr (pid $pid): probe $rate req/s, nonce cap $cap, ${secs} s per route"
  if ! "${pin1[@]}" target/release/loadgen "$addr" 8 "$secs" 1 "$pid"; then status=1; fi
  bound=${bound_mib:-$((32 + cap * 96 / 1048576))}
  hwm_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "$pkg: peak RSS $((hwm_kib / 1024)) MiB, RSS now $((rss_kib / 1024)) MiB (bound $bound MiB)"
  if [ "$hwm_kib" -gt $((bound * 1024)) ]; then echo "$pkg: peak RSS over the bound"; status=1; fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
exit "$status"
