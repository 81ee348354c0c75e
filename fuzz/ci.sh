#!/usr/bin/env bash
# A short fuzzing pass (CI's "== fuzz (short)" step): builds the targets, seeds the corpora
# (fuzz/seed.py from the shared vectors, plus fuzz/seeds/ and the kept reproducers), runs each
# target for SECONDS (default 20) and fails on the first crash. Needs the nightly toolchain:
# without it, prints so and fails when CI is set (CI has nightly), passes otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain (rustup toolchain install nightly): fuzz targets not run"
  if [ -n "${CI:-}" ]; then exit 1; fi
  exit 0
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

# No sanitizer: the crate forbids unsafe code, and ASan costs 5x the executions.
flags=(-s none --no-trace-compares --fuzz-dir fuzz --target-dir fuzz/target)
targets=(header form base_string verify)

python3 fuzz/seed.py --out fuzz/corpus
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  if [ -d "fuzz/seeds/$t" ]; then cp fuzz/seeds/"$t"/* "fuzz/corpus/$t/"; fi
  # The kept reproducers of reported bugs run as seeds too (with their work-arounds on).
  if compgen -G "fuzz/artifacts/$t/*.bin" >/dev/null; then cp fuzz/artifacts/"$t"/*.bin "fuzz/corpus/$t/"; fi
done

cargo +nightly fuzz build "${flags[@]}"
log=$(mktemp)
for t in "${targets[@]}"; do
  echo "-- $t (${secs}s)"
  if ! cargo +nightly fuzz run "${flags[@]}" "$t" -- \
      -max_total_time="$secs" -dict=fuzz/oauth.dict -print_final_stats=1 >"$log" 2>&1; then
    sed -n '/panicked at\|ERROR: libFuzzer\|deadly signal/,$p' "$log" | head -60
    echo "fuzz: $t crashed; the input is under fuzz/artifacts/$t/"
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec)' "$log"
done
rm -f "$log"
echo "fuzz: ${#targets[@]} targets, 0 crashes"
