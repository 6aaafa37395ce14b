#!/usr/bin/env bash
# Builds the npm package's generated half into pkg/dist/:
#   release wasm, twice (with wasm SIMD: the default module; without: the fallback)
#   -> wasm-bindgen (--target web glue, the same for both) -> wasm-opt -Oz -> CJS bundle + .d.cts.
# Run scripts/setup.sh first (make build does).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build] %s\n' "$*"; }

# replace_once <file> <needle> <replacement> [text to append]: an edit of generated code (the
# glue, a bundle) that fails the build unless the needle occurs exactly once, so that a new
# wasm-bindgen or esbuild that changed it is looked at rather than silently missed.
replace_once() {
  node - "$@" <<'JS'
const fs = require('node:fs');
const [file, needle, replacement, appendix = ''] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
const count = text.split(needle).length - 1;
if (count !== 1) {
  console.error(`${file}: expected ${JSON.stringify(needle)} once, found it ${count} times; update scripts/build.sh for this wasm-bindgen or esbuild`);
  process.exit(1);
}
fs.writeFileSync(file, text.replace(needle, () => replacement) + appendix);
JS
}

# getrandom 0.4 selects its JS backend from the crate's `wasm_js` feature alone (no
# getrandom_backend cfg needed since 0.4). KCP_WASM_RUSTFLAGS adds flags to both builds.
base_flags="${KCP_WASM_RUSTFLAGS:-}"
out=pkg/dist
rm -rf "$out"
mkdir -p "$out/wasm"
# npm's binaryen, never a distro one (older builds corrupt wasm-bindgen output).
WASM_OPT=node_modules/.bin/wasm-opt
# --converge repeats -Oz while it still shrinks the module (about 0.2 KB gzipped, 5 s more);
# the producers and target_features custom sections are of no use to a runtime (0.15 KB).
# --one-caller-inline-max-function-size 0: binaryen otherwise inlines every function that has one
# caller, however large, which built 10-22 KB functions (the whole key decryption in one) that V8
# runs in its baseline tier until they return, then recompiles whole. Kept apart, a fresh
# process's first KCP key load takes about a third less CPU and the module is 4.2 KB smaller
# gzipped (issue 12; warm key load +0.1 ms).
OPT_FLAGS=(-Oz --converge --one-caller-inline-max-function-size 0 --strip-producers --strip-target-features --enable-bulk-memory
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-reference-types --enable-multivalue)

# The .wasm is built with the nightly toolchain (scripts/setup.sh installs it with rust-src), for
# size (issue 12, measured on the default module, gzip -9):
#   -Zbuild-std, -Cpanic=immediate-abort: the standard library rebuilt without the panic machinery
#     that formats messages nobody can read in wasm (a panic was already a trap): 135.6 -> 123.9 KB;
#   opt-level z for this crate (deps, std included, at 3: smaller and faster than at s or z),
#     with the functions a signature or a key load spends its time in still compiled for speed
#     (`--cfg kcp_optimize_speed` turns on their `#[optimize(speed)]`, src/lib.rs) and loops
#     rotated as at opt-level s (`-enable-loop-header-duplication`; without it the Montgomery
#     product was 9 % slower): 123.9 -> 113.6 KB, warm signing and key loading unchanged.
# KCP_WASM_TOOLCHAIN names another toolchain (a dated nightly, say).
TOOLCHAIN="${KCP_WASM_TOOLCHAIN:-nightly}"
SIZE_FLAGS="-Zunstable-options -Cpanic=immediate-abort --cfg kcp_optimize_speed -Cllvm-args=-enable-loop-header-duplication"

# KCP_WASM_NAMES=1 keeps the functions' names in both modules, for `node bench/wasm-size.mjs`
# (a measuring build, several times larger raw: not for shipping).
keep_names=()
if [ "${KCP_WASM_NAMES:-}" = 1 ]; then
  export CARGO_PROFILE_RELEASE_STRIP=false
  keep_names=(-g)
fi

# build <target dir> <rustflags> <out dir> [extra wasm-opt flags]: one .wasm plus its glue.
build() {
  local target_dir=$1 flags=$2 dir=$3
  shift 3
  RUSTFLAGS="$flags $SIZE_FLAGS" CARGO_TARGET_DIR="$target_dir" CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
    cargo +"$TOOLCHAIN" build --release --target wasm32-unknown-unknown --lib \
    -Zbuild-std=std,panic_abort --config 'profile.release.package."*".opt-level=3'
  wasm-bindgen "$target_dir/wasm32-unknown-unknown/release/kcp_wasm.wasm" --target web \
    --out-dir "$dir" --out-name kcp_wasm --no-typescript ${keep_names:+--keep-debug}
  "$WASM_OPT" "$dir/kcp_wasm_bg.wasm" -o "$dir/kcp_wasm_bg.wasm.opt" "${OPT_FLAGS[@]}" "${keep_names[@]}" "$@"
  mv "$dir/kcp_wasm_bg.wasm.opt" "$dir/kcp_wasm_bg.wasm"
}

# The default module: src/rsa_fast's Montgomery product with wasm SIMD (i64x2.extmul), about
# 10 % faster signing and a smaller file. Every runtime the package targets has SIMD (Node 16.4+,
# Deno, Bun, workerd, Chrome 91+, Firefox 89+, Safari 16.4+).
log "cargo +$TOOLCHAIN build --release --target wasm32-unknown-unknown (simd128, target/wasm-simd)"
build target/wasm-simd "$base_flags -C target-feature=+simd128" "$out/wasm" --enable-simd

# The fallback for an engine without SIMD: the scalar product. The Rust exports are the same,
# so wasm-bindgen's glue must be byte-identical; one glue file serves both modules.
log "cargo +$TOOLCHAIN build --release --target wasm32-unknown-unknown (scalar fallback, target/wasm-scalar)"
scalar_dir=$(mktemp -d)
trap 'rm -rf "$scalar_dir"' EXIT
build target/wasm-scalar "$base_flags" "$scalar_dir"
if ! cmp -s "$scalar_dir/kcp_wasm.js" "$out/wasm/kcp_wasm.js"; then
  echo "the scalar and simd128 builds' wasm-bindgen glue differ; one glue cannot serve both" >&2
  exit 1
fi
mv "$scalar_dir/kcp_wasm_bg.wasm" "$out/wasm/kcp_wasm_scalar_bg.wasm"

# The glue's initSync tells a compiled module from bytes with `instanceof WebAssembly.Module`,
# which is false for a module compiled in another realm: Next.js's edge sandbox (a vm context)
# hands the edge-light entry such a module for its `.wasm?module` import, and the glue then calls
# `new WebAssembly.Module(module)` on it ("Argument 0 must be a buffer source"). A brand check
# (WebAssembly.Module.exports accepts any realm's module and throws on anything else) instead.
# Done once, after the comparison above, so both builds still share one glue.
log "glue: brand check for WebAssembly.Module instead of instanceof (cross-realm modules)"
brand_check=$(cat <<'JS'

// Added by kcp-wasm (scripts/build.sh): whether value is a compiled WebAssembly.Module of any
// realm (the Next.js edge sandbox, a vm context), not only of this one.
function __kcpIsWasmModule(value) {
    if (value instanceof WebAssembly.Module) return true;
    try {
        WebAssembly.Module.exports(value);
        return true;
    } catch {
        return false;
    }
}
JS
)
replace_once "$out/wasm/kcp_wasm.js" 'if (!(module instanceof WebAssembly.Module)) {' \
  'if (!__kcpIsWasmModule(module)) {' "$brand_check"$'\n'

# `require('kcp-wasm')` on Node: one CommonJS file with the glue and the JS layer bundled in.
log "bundling dist/node.cjs"
node_modules/.bin/esbuild pkg/src/entry-node-cjs.js --bundle --format=cjs --platform=node \
  --target=node18 --outfile="$out/node.cjs" --log-level=warning --log-override:empty-import-meta=silent
# Node's and Bun's ESM entries, each as one file with the glue and the JS layer bundled in: a fresh
# process then reads, parses and links one module instead of seven (issue 12, measured in Node 20:
# `import` 9.0 -> 6.2 ms wall, interleaved medians of 9 fresh processes). The sources stay in src/
# (the other runtimes' entries import them). `new URL('../dist/wasm/…', import.meta.url)` is kept
# as written and resolves to the same file from dist/ as from src/, so bundlers still follow it.
for entry in node bun; do
  log "bundling dist/$entry.mjs"
  node_modules/.bin/esbuild "pkg/src/$entry.js" --bundle --format=esm --platform=node \
    --target=node18 --outfile="$out/$entry.mjs" --log-level=warning
  # The glue's fallback URL (used by init() without arguments, which these entries never call) is
  # relative to the glue's own directory; bundlers resolve it at build time, so point it at the
  # file from dist/.
  replace_once "$out/$entry.mjs" 'new URL("kcp_wasm_bg.wasm", import.meta.url)' \
    'new URL("./wasm/kcp_wasm_bg.wasm", import.meta.url)'
done
# The CommonJS flavour of the hand-written types (same declarations; TypeScript needs the
# .d.cts extension to treat them as CommonJS).
cp pkg/types/index.d.ts "$out/index.d.cts"
mkdir -p "$out/testing"
cp pkg/src/testing/index.d.ts "$out/testing/index.d.cts"
# The licence texts ship in the tarball; the repository's root holds the one copy.
cp LICENSE-MIT LICENSE-APACHE pkg/

for f in kcp_wasm_bg.wasm kcp_wasm_scalar_bg.wasm; do
  log "$f: $(wc -c <"$out/wasm/$f") bytes raw, $(gzip -9c "$out/wasm/$f" | wc -c) bytes gzip -9"
done
