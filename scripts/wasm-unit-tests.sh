#!/usr/bin/env bash
# The crate's unit tests compiled to WebAssembly and run in Node (WASI), twice: with wasm SIMD
# (the package's default module: src/rsa_fast's simd128 Montgomery product) and without (the
# scalar fallback). Native `cargo test` only ever runs the scalar product on x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-wasip1; then
  echo "[wasm-unit-tests] adding rust target wasm32-wasip1"
  rustup target add wasm32-wasip1
fi
export CARGO_TARGET_WASM32_WASIP1_RUNNER="node $PWD/scripts/wasi-run.mjs"
for build in simd128 scalar; do
  flags=""
  [ "$build" = simd128 ] && flags="-C target-feature=+simd128"
  echo "[wasm-unit-tests] cargo test --target wasm32-wasip1 --lib ($build)"
  RUSTFLAGS="$flags" CARGO_TARGET_DIR="target/wasip1-$build" cargo test --target wasm32-wasip1 --lib
done
