#!/usr/bin/env bash
# End-to-end RSA-SHA1 against HMAC-SHA1 on the warp demo, as ratios measured in one run (issue #20).
#
#   bash tests/load/rsa-e2e.sh [SECONDS] [ROUNDS] [CONNECTIONS]
#
# Writes a clients file with the RFC's printer (HMAC, dpf43f3p2l4k3l03 / kd94hf93k423kf44, as the
# demos' default) and an RSA-only client `rsa-load` holding the public half of
# tests/data/rsa2048-bench-key.pem; builds the warp demo in release twice -- with
# `--features oauth1/native-rsa` (aws-lc verifies RSA signatures) and without (the portable `rsa`
# crate) -- copying each binary aside, and the load generator. Then, for each build, it starts
# the demo on a free loopback port pinned to core 0 and runs the load generator pinned to core 1
# in RSA mode (OAUTH1_LOAD_RSA_KEY / OAUTH1_LOAD_RSA_CLIENT, see tests/src/bin/loadgen.rs):
# ROUNDS rounds (default 5) of at most SECONDS (default 3) per route, CONNECTIONS (default 8)
# keep-alive connections, `/public`, `/photos` HMAC-SHA1 and `/photos` RSA-SHA1 interleaved, every
# request signed before its round. Prints each run and a table: per build, the median `/photos`
# HMAC and RSA rates, their ratio (the median of the per-round ratios) and the server's CPU time
# per request on each route. The load generator signs RSA with the portable `rsa` crate, about
# 2.5 ms per request on this machine, so each route's pool of pre-signed requests is capped at
# OAUTH1_LOAD_POOL_MAX (default here 25000; a round ends when its pool is used up): at ~14k RSA
# requests/s (native) a pool of 25000 lasts ~1.8 s and takes ~30 s to sign on two cores.
# Needs openssl (for the public key). Loopback only; every loop is
# bounded; the demos are stopped and the temporary directory removed on exit.
# Figures: BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-3}
rounds=${2:-5}
connections=${3:-8}
[ "$secs" -ge 1 ] && [ "$secs" -le 300 ] || { echo "SECONDS: 1 to 300"; exit 2; }
[ "$rounds" -ge 1 ] && [ "$rounds" -le 50 ] || { echo "ROUNDS: 1 to 50"; exit 2; }
[ "$connections" -ge 1 ] && [ "$connections" -le 64 ] || { echo "CONNECTIONS: 1 to 64"; exit 2; }
command -v openssl >/dev/null || { echo "openssl is not installed (it writes the RSA client's public key)"; exit 2; }
pin0=(); pin1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0=(taskset -c 0); pin1=(taskset -c 1); fi

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

key=tests/data/rsa2048-bench-key.pem
client=rsa-load
public_json=$(openssl pkey -in "$key" -pubout | awk '{ printf "%s\\n", $0 }')
cat >"$work/clients.json" <<EOF
[
  {"client_id": "dpf43f3p2l4k3l03", "client_secret": "kd94hf93k423kf44", "name": "Printer",
   "redirect_uri": "http://printer.example.com/ready", "rsa_public_key": null},
  {"client_id": "$client", "client_secret": null, "name": "RSA load client", "redirect_uri": null,
   "rsa_public_key": "$public_json"}
]
EOF

# Builds with cargo's arguments "$3..." and copies the executable named $1 to $work/$2 (both demo
# builds write the same target path, which other builds may overwrite later).
build() {
  local name=$1 copy=$2; shift 2
  local exe
  exe=$(cargo build --release --quiet "$@" --message-format=json \
    | sed -n 's/.*"executable":"\([^"]*\/'"$name"'\)".*/\1/p' | tail -1)
  [ -n "$exe" ] || { echo "cargo build $* gave no executable $name"; exit 1; }
  cp "$exe" "$work/$copy"
}
build photos photos-native -p oauth1-warp --example photos --features oauth1/native-rsa
build photos photos-portable -p oauth1-warp --example photos
build loadgen loadgen -p oauth1-tests --bin loadgen

# Starts $work/$1 with the clients file; sets $pid and $addr.
start() {
  local log="$work/$1.log"
  OAUTH1_DEMO_ADDR=127.0.0.1:0 OAUTH1_DEMO_CLIENTS="$work/clients.json" "${pin0[@]}" "$work/$1" >"$log" 2>&1 &
  pid=$!
  addr=""
  for _ in $(seq 1 300); do
    addr=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$addr" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$addr" ]; then echo "$1: did not start"; cat "$log"; exit 1; fi
}

# The value of key $1 on the load generator's summary line.
field() { awk -v k="$1" '$1 == "summary" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'; }

for build in native portable; do
  start "photos-$build"
  echo "== warp demo, $build RSA ($addr, pid $pid, core 0); load generator on core 1"
  OAUTH1_LOAD_RSA_KEY="$key" OAUTH1_LOAD_RSA_CLIENT="$client" OAUTH1_LOAD_POOL_MAX="${OAUTH1_LOAD_POOL_MAX:-25000}" \
    "${pin1[@]}" "$work/loadgen" "$addr" "$connections" "$secs" "$rounds" "$pid" | tee "$work/$build.out"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

echo
echo "warp demo, $rounds rounds of at most $secs s per route, $connections connections; medians over rounds"
cols='%-9s %11s %10s %10s %9s %14s %13s %13s %13s\n'
# shellcheck disable=SC2059
printf "$cols" build "/public rps" "HMAC rps" "RSA rps" RSA/HMAC "server µs/req" "/public" "/photos HMAC" "/photos RSA"
for build in native portable; do
  f() { field "$1" <"$work/$build.out"; }
  # shellcheck disable=SC2059
  printf "$cols" "$build" "$(f rps_public)" "$(f rps_hmac)" "$(f rps_rsa)" "$(f rsa_over_hmac)" "" \
    "$(f server_us_public)" "$(f server_us_hmac)" "$(f server_us_rsa)"
done
