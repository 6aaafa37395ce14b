#!/usr/bin/env bash
# `make bench` (after `make build`): builds the plain-`rsa` baseline wasm (bench/rsa-baseline,
# its own workspace and target dir), then runs bench/bench.mjs (which times both of the package's
# modules, the simd128 default and the scalar fallback), which writes
# bench/results.{json,md,svg}. Extra arguments go to bench.mjs (--quick, --no-workerd,
# --compare label=pkgdir: another build of the package in the cold-start phase).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bench] %s\n' "$*"; }

if [ ! -f pkg/dist/wasm/kcp_wasm_bg.wasm ]; then
  echo "pkg/dist is missing: run make build first" >&2
  exit 1
fi
[ -d node_modules/node-forge ] || npm install --no-audit --no-fund >/dev/null

# The same toolchain settings as scripts/build.sh: 32-bit limbs for crypto-bigint on wasm32,
# release profile tuned for size, wasm-opt -Oz from npm's binaryen.
log "building the rsa 0.10 baseline (bench/rsa-baseline)"
out=bench/.out/baseline
(
  cd bench/rsa-baseline
  CARGO_TARGET_DIR="$PWD/../../target/bench-baseline" RUSTFLAGS='--cfg cpubits="32"' \
    cargo build --release --target wasm32-unknown-unknown --quiet
)
raw=target/bench-baseline/wasm32-unknown-unknown/release/rsa_baseline.wasm
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen "$raw" --target web --out-dir "$out" --out-name rsa_baseline --no-typescript
echo '{"type":"module"}' >"$out/package.json"
node_modules/.bin/wasm-opt "$out/rsa_baseline_bg.wasm" -o "$out/rsa_baseline_bg.wasm" -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue

log "node bench/bench.mjs $*"
node bench/bench.mjs "$@"
