#!/usr/bin/env bash
# `make test`: every test of the project, after all set-up. Fails on the first red suite.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust core (native) =="
cargo test --all-targets

echo "== npm package: set-up and build =="
bash scripts/setup.sh
bash scripts/build.sh

echo "== npm package: Node (ESM, CommonJS, CLI, tarball, publint, attw) =="
node --test tests/js/

echo "== npm package: workerd, Deno, Bun =="
node --test tests/runtimes/

echo "== www/ playground: headless Chromium (Debian's, via playwright-core) =="
bash scripts/install-browser.sh
node --test tests/browser/
