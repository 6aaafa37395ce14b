#!/usr/bin/env bash
# `make test`: every test of the project, after all set-up. Fails on the first red suite.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust core (native) =="
cargo test --all-targets
