#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target in fuzz/ (`cargo fuzz list`) for FUZZ_SECONDS seconds each (default 600),
# one after the other. CI runs it with FUZZ_SECONDS=20 (scripts/test.sh).
#
#   FUZZ_SECONDS=60 FUZZ_TARGETS="key cert" make fuzz
#
# The committed seeds (fuzz/corpus/<target>/seed-*, made by fuzz/make-seeds.sh) are read-only;
# libFuzzer grows its working corpus in fuzz/work/<target>/ (kept between runs, not committed)
# and writes crashes to fuzz/artifacts/<target>/. Any allocation or resident size over 64 MiB
# is a finding, as is a single input taking more than 10 seconds. Exits non-zero on a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-600}
limit_mb=${FUZZ_LIMIT_MB:-64}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz =="
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "cargo fuzz needs the nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
# Every target fuzz/Cargo.toml declares, unless FUZZ_TARGETS names some.
targets=${FUZZ_TARGETS:-$(cargo fuzz list)}
if [ -z "$targets" ]; then
  echo "cargo fuzz list found no targets" >&2
  exit 1
fi

# -a: debug assertions and overflow checks on, so arithmetic overflow is a finding too.
# -s none: no AddressSanitizer. The crate is `#![forbid(unsafe_code)]`, so what the fuzzer hunts
# is panics, hangs and memory blow-ups; ASan's own shadow memory and quarantine put the resident
# size over 64 MiB on an empty input, which would make the 64 MiB limit meaningless.
flags=(-a -s none)
echo "== building fuzz targets =="
cargo +nightly fuzz build "${flags[@]}"

failed=()
for target in $targets; do
  echo "== fuzzing $target for ${seconds}s =="
  mkdir -p "fuzz/work/$target" "fuzz/artifacts/$target"
  log="fuzz/work/$target.log"
  if cargo +nightly fuzz run "${flags[@]}" "$target" "$root/fuzz/work/$target" "$root/fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb="$limit_mb" -malloc_limit_mb="$limit_mb" \
      -timeout=10 -max_len=8192 -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^(#[0-9]+.*DONE|Done [0-9]+ runs)|stat::number_of_executed_units|stat::peak_rss_mb' "$log" | sed "s/^/  $target: /" || true
  else
    echo "  $target: FINDING (see $log and fuzz/artifacts/$target/)" >&2
    tail -n 40 "$log" >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz findings in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings (${targets//$'\n'/ }, ${seconds}s each)"
