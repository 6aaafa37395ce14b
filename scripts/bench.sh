#!/usr/bin/env bash
# `make bench` (after `make build`): builds the plain-`rsa` baseline wasm (bench/rsa-baseline,
# its own workspace and target dir), then runs bench/bench.mjs, which writes
# bench/results.{json,md,svg}. Extra arguments go to bench.mjs (--quick, --no-workerd).
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

# kcp-wasm built with wasm SIMD (src/rsa_fast's simd128 product), measured beside the
# package's own build. Its own target dir, so the main build's lock and cache are left alone.
log "building kcp-wasm with simd128 (bench/.out/simd)"
simd=bench/.out/simd
CARGO_TARGET_DIR=target/bench-simd RUSTFLAGS='--cfg cpubits="32" -C target-feature=+simd128' \
  cargo build --release --target wasm32-unknown-unknown --lib --quiet
rm -rf "$simd"
mkdir -p "$simd"
wasm-bindgen target/bench-simd/wasm32-unknown-unknown/release/kcp_wasm.wasm --target web \
  --out-dir "$simd" --out-name kcp_wasm --no-typescript
echo '{"type":"module"}' >"$simd/package.json"
node_modules/.bin/wasm-opt "$simd/kcp_wasm_bg.wasm" -o "$simd/kcp_wasm_bg.wasm" -Oz --enable-simd \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue

log "node bench/bench.mjs $*"
node bench/bench.mjs "$@"
