#!/usr/bin/env bash
# RSA verification against `openssl speed rsa2048`, as ratios measured in one run (issue #20:
# RSA-SHA1/SHA256 verification within 1.25x of OpenSSL's verify).
#
#   bash tests/load/rsa-vs-openssl.sh [ROUNDS] [SECONDS]
#
# Builds tests/examples/rsa_rate.rs in release twice -- with `--features native-rsa` (aws-lc
# verifies) and without (the portable `rsa` crate) -- copies both binaries aside, then for
# ROUNDS rounds (default 5) runs, one after the other and pinned to one core (`taskset -c 1`):
# `openssl speed -seconds SECONDS rsa2048` (its verify/s for "rsa 2048 bits"), the native
# example and the portable one (SECONDS, default 3, per measurement). Times are CPU times
# (`openssl speed` counts its own user time, rsa_rate its thread's time on a CPU), which another
# process sharing the core does not inflate; rsa_rate's wall-clock figure is shown too. Prints
# each round and the medians of: OpenSSL's µs per verify, our full `ResourceProtector::verify`
# (RSA-SHA1 and RSA-SHA256, native), aws-lc's raw verify, the portable build's full verify and
# the raw `rsa` verify, and the ratios ours/OpenSSL (target <= 1.25). Nothing listens; every
# loop is bounded. Figures: BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
secs=${2:-3}
[ "$rounds" -ge 1 ] && [ "$rounds" -le 50 ] || { echo "ROUNDS: 1 to 50"; exit 2; }
[ "$secs" -ge 1 ] && [ "$secs" -le 60 ] || { echo "SECONDS: 1 to 60"; exit 2; }
command -v openssl >/dev/null || { echo "openssl is not installed"; exit 2; }
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 1); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Builds the example with cargo's arguments "$@" and copies it to $work/$name (both builds write
# the same target path).
build() {
  local name=$1; shift
  local exe
  exe=$(cargo build --release --quiet -p oauth1-tests --example rsa_rate "$@" --message-format=json \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
  [ -n "$exe" ] || { echo "building rsa_rate $* gave no executable"; exit 1; }
  cp "$exe" "$work/$name"
}
build native --features native-rsa
build portable

# µs per verify from `openssl speed`'s line "rsa 2048 bits <sign s> <verify s> <sign/s> <verify/s>".
openssl_us() {
  awk '/^rsa 2048 bits/ && $NF > 0 { printf "%.2f\n", 1e6 / $NF; found = 1 } END { exit !found }'
}
# The value of key $2 on rsa_rate's line for method $1.
field() {
  awk -v m="method=$1" -v k="$2" '$1 == "rsa_rate" && $2 == m {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'
}

cols='%6s %8s %8s %8s %8s %8s %9s %9s %9s %9s %9s %9s %9s\n'
# shellcheck disable=SC2059
printf "$cols" round openssl sha1 sha256 aws-sha1 aws-s256 port-sha1 port-s256 rsa-sha1 rsa-s256 wall-sha1 \
  sha1/ossl s256/ossl
: >"$work/rows"
for r in $(seq 1 "$rounds"); do
  o=$("${pin[@]}" openssl speed -seconds "$secs" rsa2048 2>/dev/null | openssl_us) \
    || { echo "no verify/s from openssl speed"; exit 1; }
  "${pin[@]}" "$work/native" "$secs" >"$work/native.out"
  "${pin[@]}" "$work/portable" "$secs" >"$work/portable.out"
  for m in RSA-SHA1 RSA-SHA256; do
    [ "$(field "$m" native <"$work/native.out")" = true ] || { echo "native build: $m key is not native"; exit 1; }
    [ "$(field "$m" native <"$work/portable.out")" = false ] || { echo "portable build: $m key is native"; exit 1; }
  done
  row="$r $o"
  for spec in native/verify_cpu_us native/raw_cpu_us portable/verify_cpu_us portable/raw_cpu_us; do
    for m in RSA-SHA1 RSA-SHA256; do row="$row $(field "$m" "${spec#*/}" <"$work/${spec%/*}.out")"; done
  done
  row="$row $(field RSA-SHA1 verify_wall_us <"$work/native.out")"
  echo "$row" | awk -v cols="$cols" '{ $12 = sprintf("%.3f", $3 / $2); $13 = sprintf("%.3f", $4 / $2)
    printf cols, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' | tee -a "$work/rows"
done

# The median of each column (the upper one of an even count); the ratios' are medians of the
# per-round ratios, not ratios of medians.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }'; }
line="median"
for c in $(seq 2 13); do line="$line $(awk -v c="$c" '{ print $c }' "$work/rows" | median)"; done
echo "$line" | awk -v cols="$cols" '{ printf cols, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }'
cat <<'END'
columns: CPU µs per verify (openssl speed counts its user time; rsa_rate its thread's time on a CPU)
  openssl              openssl speed rsa2048, verify
  sha1, sha256         our ResourceProtector::verify, RSA-SHA1 / RSA-SHA256, native-rsa build
  aws-sha1, aws-s256   aws-lc ParsedPublicKey::verify_sig of the same base string
  port-sha1, port-s256 our ResourceProtector::verify, portable build (the rsa crate)
  rsa-sha1, rsa-s256   the rsa crate's raw PKCS#1 v1.5 verify
  wall-sha1            our RSA-SHA1 verify, native, in wall-clock µs (what sharing the core costs)
  sha1/ossl, s256/ossl ours (native, CPU) / openssl: target <= 1.25
END
