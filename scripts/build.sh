#!/usr/bin/env bash
# Builds the npm package's generated half into pkg/dist/:
#   release wasm (size-tuned) -> wasm-bindgen (--target web glue) -> wasm-opt -Oz -> CJS bundle + .d.cts.
# Run scripts/setup.sh first (make build does).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build] %s\n' "$*"; }

# crypto-bigint picks its limb width from target_pointer_width unless told; 32-bit limbs on wasm32.
# getrandom 0.4 selects its JS backend from the crate's `wasm_js` feature alone (no
# getrandom_backend cfg needed since 0.4).
export RUSTFLAGS="${KCP_WASM_RUSTFLAGS:---cfg cpubits=\"32\"}"
log "cargo build --release --target wasm32-unknown-unknown"
cargo build --release --target wasm32-unknown-unknown --lib

raw=target/wasm32-unknown-unknown/release/kcp_wasm.wasm
out=pkg/dist
rm -rf "$out"
mkdir -p "$out/wasm"

log "wasm-bindgen --target web"
wasm-bindgen "$raw" --target web --out-dir "$out/wasm" --out-name kcp_wasm --no-typescript

bg="$out/wasm/kcp_wasm_bg.wasm"
before=$(wc -c <"$bg")
# npm's binaryen, never a distro one (older builds corrupt wasm-bindgen output).
WASM_OPT=node_modules/.bin/wasm-opt
log "wasm-opt -Oz"
"$WASM_OPT" "$bg" -o "$bg.opt" -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue
mv "$bg.opt" "$bg"

# `require('kcp-wasm')` on Node: one CommonJS file with the glue and the JS layer bundled in.
log "bundling dist/node.cjs"
node_modules/.bin/esbuild pkg/src/entry-node-cjs.js --bundle --format=cjs --platform=node \
  --target=node18 --outfile="$out/node.cjs" --log-level=warning --log-override:empty-import-meta=silent
# The CommonJS flavour of the hand-written types (same declarations; TypeScript needs the
# .d.cts extension to treat them as CommonJS).
cp pkg/types/index.d.ts "$out/index.d.cts"

after=$(wc -c <"$bg")
gz=$(gzip -9c "$bg" | wc -c)
log "wasm size: ${after} bytes raw (${before} before wasm-opt), ${gz} bytes gzip -9"
