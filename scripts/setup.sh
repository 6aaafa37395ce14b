#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already present:
# the wasm32 target, a nightly toolchain with rust-src (the .wasm's build), wasm-bindgen-cli at
# exactly the crate's wasm-bindgen version, and the npm dev tooling (binaryen's wasm-opt, workerd,
# deno, bun, esbuild, publint, attw).
# Needs only crates.io and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "[setup] cargo not found: install Rust (https://rustup.rs) first" >&2
  exit 1
fi

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  # The npm package's .wasm is built with nightly and -Zbuild-std (scripts/build.sh), which needs
  # the standard library's sources; cargo-fuzz needs nightly too.
  toolchain="${KCP_WASM_TOOLCHAIN:-nightly}"
  if ! cargo +"$toolchain" --version >/dev/null 2>&1; then
    log "installing rust toolchain $toolchain (minimal, with rust-src)"
    rustup toolchain install "$toolchain" --profile minimal --component rust-src
  elif ! rustup component list --installed --toolchain "$toolchain" | grep -q '^rust-src'; then
    log "adding rust-src to $toolchain"
    rustup component add rust-src --toolchain "$toolchain"
  fi
else
  log "rustup not found; assuming the wasm32-unknown-unknown target, a nightly toolchain and its rust-src are installed"
fi

# wasm-bindgen's CLI must be the exact version the crate links, or the generated glue breaks.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WB_VERSION" ]; then
  echo "[setup] could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (found: ${have_wb:-none}); this takes a few minutes"
  # Not --locked: the CLI's own lockfile pins crates that no longer build on current Rust.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if ! command -v node >/dev/null 2>&1; then
  echo "[setup] node not found: install Node.js 20 or later first" >&2
  exit 1
fi

# npm ci only when node_modules is missing or older than the lockfile.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  log "installing npm dev tooling (npm ci)"
  npm ci --no-audit --no-fund
fi
log "ok: $(wasm-bindgen --version), node $(node --version), wasm-opt $(npx --no-install wasm-opt --version | awk '{print $3}')"
