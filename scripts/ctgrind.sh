#!/usr/bin/env bash
# Constant time, checked: tests/ctgrind.rs under valgrind's memcheck with the secrets marked
# undefined, at the release profile (opt-level "s", LTO), at opt-level 3, and at opt-level "z",
# the level the npm package's .wasm builds this crate at (scripts/build.sh). Any report of a
# branch or an address depending on a secret fails. The allowlist is empty: what is public by
# design is declassified in the library (src/ct.rs) at the one place that says why.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[ctgrind] %s\n' "$*"; }

if ! command -v valgrind >/dev/null 2>&1; then
  log "installing valgrind (Debian)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
  fi
fi

# build [VAR=value…]: the test binary's path on stdout.
build() {
  env "$@" cargo test --release --features internals --test ctgrind --no-run \
    --message-format=json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){if(!l)continue;const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.target.name==="ctgrind"&&m.executable)console.log(m.executable)}})'
}

status=0
# Symbols and line tables, so that a report names the function and line.
export CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
export CARGO_PROFILE_BENCH_STRIP=false CARGO_PROFILE_BENCH_DEBUG=line-tables-only
for level in ${CTGRIND_LEVELS:-s 3 z}; do
  log "building tests/ctgrind.rs at opt-level $level"
  # Cargo's `--release` test builds use the bench profile, which inherits release.
  exe=$(build CARGO_PROFILE_RELEASE_OPT_LEVEL="$level" CARGO_PROFILE_BENCH_OPT_LEVEL="$level" \
    CARGO_TARGET_DIR="target/ctgrind-o$level")
  if [ -z "$exe" ]; then
    log "build failed"; env CARGO_PROFILE_RELEASE_OPT_LEVEL="$level" CARGO_TARGET_DIR="target/ctgrind-o$level" \
      cargo test --release --features internals --test ctgrind --no-run
    exit 1
  fi
  # The harness must be live: a deliberate branch on a secret has to be reported.
  if CTGRIND_SELF_TEST=1 valgrind --tool=memcheck --error-exitcode=42 --leak-check=no -q "$exe" \
      >/dev/null 2>&1; then
    log "self-test: valgrind did not report a deliberate branch on a secret; the harness is broken"
    exit 1
  fi
  log "valgrind --tool=memcheck $exe"
  out="target/ctgrind-o$level/valgrind.log"
  if valgrind --tool=memcheck --error-exitcode=42 --leak-check=no --track-origins=yes \
      --num-callers=40 --log-file="$out" "$exe"; then
    log "opt-level $level: no secret-dependent branch or address ($(grep -c 'ERROR SUMMARY: 0 errors' "$out") clean summary)"
  else
    rc=$?
    log "opt-level $level: valgrind reported secret-dependent behaviour (exit $rc); the first reports:"
    grep -v '^==[0-9]*== *$' "$out" | head -120
    status=1
  fi
done
exit $status
