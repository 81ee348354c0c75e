#!/usr/bin/env bash
# In-process verification of the same request by Authlib, oauthlib and us, as ratios measured
# in one run (issue #20; figures in BENCHMARKS.md):
#
#   bash tests/interop/peers.sh [ROUNDS] [N]
#
# The request: OAuth Core 1.0 Appendix A (its keys, secrets and realm), HMAC-SHA1, header
# transport, a fresh nonce per request, nonces in memory, every request signed before timing.
# Each round runs, one after another and each pinned to core 1 (`taskset -c 1`):
#   tests/interop/authlib_verify_bench.py N    Authlib's ResourceProtector.validate_request
#   tests/interop/oauthlib_verify_bench.py N   oauthlib's validate_protected_resource_request
#   verify_rate N (tests/examples/verify_rate.rs, release)   our ResourceProtector::verify
# starting with a different one each round, ROUNDS times (default 5; N defaults to 20000
# verifications per run), so that the machine's changing speed touches all three alike. Each
# prints µs per verification and per raw HMAC-SHA1 of its own base string (Python's `hmac`,
# the `hmac` + `sha1` crates). Reported per round and as the median over rounds: µs per
# verification of each, the ratios Authlib/ours and oauthlib/ours (each round's ratio, then
# their median), and each one's verification / raw HMAC. Creates tests/interop/.venv as
# `.ci/run` does when it is missing (the only network access: pip). No sockets; bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
n=${2:-20000}
if ! [[ $rounds =~ ^[0-9]+$ ]] || [ "$rounds" -lt 1 ] || [ "$rounds" -gt 100 ]; then
  echo "ROUNDS: 1 to 100" >&2; exit 2
fi
if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 10000000 ]; then
  echo "N: 1 to 10000000" >&2; exit 2
fi
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 1); fi

venv=tests/interop/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copied at once: the target directory may be shared with other checkouts building the same
# example name.
exe=$(cargo build --release -p oauth1-tests --example verify_rate --message-format=json \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$exe" ] || { echo "verify_rate was not built" >&2; exit 1; }
cp "$exe" "$work/verify_rate"

names=(authlib oauthlib ours)
run() {
  case $1 in
    authlib) "${pin[@]}" "$venv/bin/python" tests/interop/authlib_verify_bench.py "$n" ;;
    oauthlib) "${pin[@]}" "$venv/bin/python" tests/interop/oauthlib_verify_bench.py "$n" ;;
    ours) "${pin[@]}" "$work/verify_rate" "$n" ;;
  esac
}

"$venv/bin/python" -c 'import authlib, oauthlib, sys; print(f"Authlib {authlib.__version__}, oauthlib {oauthlib.__version__}, Python {sys.version.split()[0]}")'
echo "$rounds rounds of $n verifications each, pinned: ${pin[*]:-no}"
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  for k in 0 1 2; do
    name=${names[$(((r - 1 + k) % 3))]}
    out=$(run "$name")
    verify=$(sed -n 's/.*: \([0-9.]*\) us per request.*/\1/p' <<<"$out")
    raw=$(sed -n 's/^raw HMAC-SHA1[^:]*: \([0-9.]*\) us$/\1/p' <<<"$out")
    if [ -z "$verify" ] || [ -z "$raw" ]; then echo "$name printed no figures:"; echo "$out"; exit 1; fi
    echo "$r $name $verify $raw" >>"$work/results"
  done
done

python3 - "$work/results" <<'EOF'
import statistics, sys

rows = {}
for line in open(sys.argv[1]):
    r, name, verify, raw = line.split()
    rows.setdefault(int(r), {})[name] = (float(verify), float(raw))

cols = ["Authlib µs", "oauthlib µs", "ours µs", "Authlib/ours", "oauthlib/ours",
        "Authlib verify/HMAC", "oauthlib verify/HMAC", "ours verify/HMAC",
        "Authlib HMAC µs", "oauthlib HMAC µs", "ours HMAC µs"]
table = []
for r in sorted(rows):
    a, o, u = rows[r]["authlib"], rows[r]["oauthlib"], rows[r]["ours"]
    table.append([a[0], o[0], u[0], a[0] / u[0], o[0] / u[0],
                  a[0] / a[1], o[0] / o[1], u[0] / u[1], a[1], o[1], u[1]])

def fmt(v):
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"

print("| round | " + " | ".join(cols) + " |")
print("|---" * (len(cols) + 1) + "|")
for r, row in zip(sorted(rows), table):
    print(f"| {r} | " + " | ".join(fmt(v) for v in row) + " |")
medians = [statistics.median(col) for col in zip(*table)]
print("| **median** | " + " | ".join(f"**{fmt(v)}**" for v in medians) + " |")
EOF
