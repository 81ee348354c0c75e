#!/usr/bin/env bash
# How a verification's cost grows with the request, in instructions (callgrind counts them, so
# the figures repeat on a noisy machine; issue #20; figures in BENCHMARKS.md):
#
#   bash tests/load/growth.sh [N]
#
# Builds `tests/examples/profile_verify.rs` in release and runs it under callgrind (the command
# in its header) over a grid: 0, 10, 20, 40 and 80 extra query parameters with no body, then
# `application/x-www-form-urlencoded` POST bodies of 1024, 4096 and 16384 bytes of `name=value`
# pairs with no extra parameter (the plain Appendix A request is the 0 of both series). N
# (default 200) requests each: `verify_all` (`ResourceProtector::verify` on the memory store)
# and `raw_hmac_all` (the raw HMAC-SHA1 of the same base string, the floor), inclusive counts
# from `callgrind_annotate --inclusive=yes` divided by N. Prints the table, then least-squares
# slopes (instructions per extra parameter, per KiB of body, for verification and for the raw
# HMAC) with each fit's R² (1 is a straight line). Valgrind runs SHA-1 in software (no SHA
# extensions), so the HMAC is costed as on a CPU without them. Callgrind's files live in a
# temporary directory, removed on exit. No sockets; bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 100000 ]; then
  echo "N: 1 to 100000" >&2; exit 2
fi
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null \
  || { echo "needs valgrind (callgrind, callgrind_annotate)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copied at once: the target directory may be shared with other checkouts building the same
# example name.
exe=$(cargo build --release -p oauth1-tests --example profile_verify --message-format=json \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$exe" ] || { echo "profile_verify was not built" >&2; exit 1; }
cp "$exe" "$work/profile_verify"

# params body
grid="0 0
10 0
20 0
40 0
80 0
0 1024
0 4096
0 16384"

: >"$work/results"
while read -r params body; do
  out="$work/callgrind.out"
  valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect='*verify_all*' --toggle-collect='*raw_hmac_all*' \
    --callgrind-out-file="$out" "$work/profile_verify" "$n" "$params" "$body" >/dev/null 2>"$work/valgrind.log" \
    || { echo "callgrind failed for $params parameters, $body bytes:"; cat "$work/valgrind.log"; exit 1; }
  counts=$(callgrind_annotate --inclusive=yes "$out" | awk -v n="$n" '
    / [^ ]*:profile_verify::verify_all / { gsub(",", "", $1); v = $1 }
    / [^ ]*:profile_verify::appendix_a::raw_hmac_all / { gsub(",", "", $1); r = $1 }
    END { if (v == "" || r == "") exit 1; printf "%.1f %.1f", v / n, r / n }') \
    || { echo "no verify_all / raw_hmac_all counts for $params parameters, $body bytes" >&2; exit 1; }
  rm -f "$out"
  echo "$params $body $counts" | tee -a "$work/results" >/dev/null
done <<<"$grid"

python3 - "$work/results" "$n" <<'EOF'
import sys

rows = [tuple(float(x) for x in line.split()) for line in open(sys.argv[1])]
print(f"Instructions per verification (callgrind, N = {sys.argv[2]} requests each, inclusive):")
print()
print("| extra query parameters | form body (bytes) | `ResourceProtector::verify` | raw HMAC-SHA1 | verify / HMAC "
      "| since the previous row, per parameter or KiB: verify, HMAC |")
print("|---|---|---|---|---|---|")
# Each series (parameters, body) starts at the plain request: the step from its previous point.
steps = {}
for series, unit in ((sorted(r for r in rows if r[1] == 0), lambda r: r[0]),
                     (sorted((r for r in rows if r[0] == 0), key=lambda r: r[1]), lambda r: r[1] / 1024)):
    for before, after in zip(series, series[1:]):
        units = unit(after) - unit(before)
        steps[after] = f"{(after[2] - before[2]) / units:,.0f}, {(after[3] - before[3]) / units:,.0f}"
for row in rows:
    p, b, v, r = row
    print(f"| {p:.0f} | {b:.0f} | {v:,.0f} | {r:,.0f} | {v / r:.2f}× | {steps.get(row, '')} |")


def fit(xs, ys):
    """Least-squares line through (xs, ys): slope, intercept, R²."""
    k = len(xs)
    mx, my = sum(xs) / k, sum(ys) / k
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
    return slope, intercept, 1 - ss_res / ss_tot if ss_tot else 1.0


params = [r for r in rows if r[1] == 0]
body = [r for r in rows if r[0] == 0]
print()
print("| growth (least squares) | `ResourceProtector::verify` | raw HMAC-SHA1 | R² (verify, HMAC) |")
print("|---|---|---|---|")
for label, series, x in (("per extra query parameter", params, lambda r: r[0]),
                         ("per KiB of form body", body, lambda r: r[1] / 1024)):
    xs = [x(r) for r in series]
    sv, iv, r2v = fit(xs, [r[2] for r in series])
    sr, ir, r2r = fit(xs, [r[3] for r in series])
    print(f"| {label} | {sv:,.0f} (intercept {iv:,.0f}) | {sr:,.0f} (intercept {ir:,.0f}) | {r2v:.5f}, {r2r:.5f} |")
EOF
