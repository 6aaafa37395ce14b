#!/usr/bin/env bash
# `make test`: every test of the project, after all set-up. Fails on the first red suite.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust core (native) =="
cargo test --features internals  # lib, integration, property and doc tests (internals: tests that reach the private-key operation)

# ---- Rust gates: formatting, lints, docs, unused dependencies -----------------------------------
# Warnings are errors. Clippy runs on every native target (tests, benches, examples) and on the
# wasm library twice: as the scalar fallback and with the flags of the shipped simd128 build
# (scripts/build.sh; its own target dir, so the flags do not invalidate target/). A direct
# dependency the library no longer uses fails the unused_crate_dependencies lint (dev-
# dependencies are the tests' business). rustdoc runs with and without `internals`.
echo "== Rust gates: cargo fmt, clippy (native, wasm scalar and simd128), rustdoc, unused dependencies =="
if command -v rustup >/dev/null 2>&1; then
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
fi
cargo fmt --check
cargo clippy --features internals --all-targets -- -D warnings
cargo clippy --features internals --lib -- -D warnings -D unused_crate_dependencies
cargo clippy --features internals --target wasm32-unknown-unknown --lib -- -D warnings -D unused_crate_dependencies
RUSTFLAGS='-C target-feature=+simd128' CARGO_TARGET_DIR=target/clippy-simd128 \
  cargo clippy --features internals --target wasm32-unknown-unknown --lib -- -D warnings -D unused_crate_dependencies
RUSTDOCFLAGS='-D warnings' cargo doc --no-deps
RUSTDOCFLAGS='-D warnings' cargo doc --no-deps --features internals

echo "== constant time: valgrind (memcheck) over key decryption, key checks and signing, opt-levels s, 3 and z =="
bash scripts/ctgrind.sh

echo "== unit tests in WebAssembly (Node WASI): the simd128 and scalar builds =="
bash scripts/wasm-unit-tests.sh

echo "== npm package: set-up and build =="
bash scripts/setup.sh
bash scripts/build.sh
cargo test --features internals --test emulator_lifecycle -- --ignored  # the Rust core against the emulator CLI (needs pkg/dist)

echo "== npm package: Node (ESM, CommonJS, CLI, tarball, publint, attw) =="
node --test tests/js/

# ---- Docs are tests (owner: tests/docs/) ---------------------------------------------------------
# Every code block of README.md and pkg/README.md runs against the emulator, is type-checked, or
# is skipped with a stated reason; README.ko.md / pkg/README.ko.md, when present, must hold the
# same blocks. (The Node version matrix and the type matrix run above, in tests/js/.)
echo "== docs: every code block of README.md and pkg/README.md =="
node --test tests/docs/

echo "== npm package: workerd, Deno, Bun =="
node --test tests/runtimes/

echo "== www/ playground: headless Chromium (Debian's, via playwright-core) =="
bash scripts/install-browser.sh
node --test tests/browser/

# ---- Examples (owner: examples/, tests/examples/) ------------------------------------------------
# Each examples/<name> is installed from the packed tarball of pkg/ (npm pack) and its committed
# package-lock.json into ~/.cache/kcp-wasm-examples (KCP_EXAMPLES_CACHE; kept between runs), then
# run in its own tool against the emulator: next build + next start + next dev, wrangler dev,
# Node (Hono), Bun, Deno, vite build + Chromium (installed by the playground stage above).
echo "== examples/: Next.js, Cloudflare Workers, Node, Bun, Deno, Vite =="
node --test tests/examples/

# ---- Hostile input and supply chain (owner: fuzz/, deny.toml, scripts/fuzz.sh) -------------------
# cargo-deny checks licences, duplicate versions and sources offline (advisories need the
# network: `cargo deny check advisories`); the metadata is limited to the native and wasm
# targets so that no crate of another platform has to be downloaded. Then every cargo-fuzz
# target runs for FUZZ_SECONDS (20 here; `make fuzz` runs 600).
echo "== supply chain: cargo deny (licences, bans, sources; offline) =="
cargo deny --version >/dev/null 2>&1 || cargo install cargo-deny --locked || cargo install cargo-deny
mkdir -p target
cargo metadata --offline --locked --format-version 1 \
  --filter-platform x86_64-unknown-linux-gnu --filter-platform wasm32-unknown-unknown >target/deny-metadata.json
cargo deny --offline --metadata-path target/deny-metadata.json check licenses bans sources

echo "== fuzzing: each cargo-fuzz target for ${FUZZ_SECONDS:-20}s =="
FUZZ_SECONDS=${FUZZ_SECONDS:-20} bash scripts/fuzz.sh
