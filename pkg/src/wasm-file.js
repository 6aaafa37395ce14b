// Which of the package's two .wasm files this engine loads: the default, built with WebAssembly
// SIMD (src/rsa_fast's Montgomery product with i64x2.extmul, about 10 % faster signing), or the
// same code without SIMD for an engine that lacks it. Every runtime the package targets has SIMD
// (Node 16.4+, Deno, Bun, workerd, Chrome 91+, Firefox 89+, Safari 16.4+); the entries that
// import the .wasm statically for a bundler (workerd, edge-light, deno) import the default only.
import { kcpError } from './errors.js';

// A one-function module returning i8x16.popcnt(i8x16.splat(0)) (the probe wasm-feature-detect
// uses): whether this engine can compile kcp-wasm's default, simd128 build.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/**
 * Whether this engine has WebAssembly SIMD, i.e. can run the default `kcp_wasm_bg.wasm`
 * (otherwise the entries load `kcp_wasm_scalar_bg.wasm`, the same code without SIMD).
 */
export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** The file name of the .wasm this engine should load. */
export function wasmFileName() {
  return simdSupported() ? 'kcp_wasm_bg.wasm' : 'kcp_wasm_scalar_bg.wasm';
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d]; // "\0asm"
const BUNDLER_HINT =
  'a bundler probably bundled kcp-wasm and moved or rewrote its .wasm file. Let the runtime load kcp-wasm from ' +
  "node_modules instead: in Next.js, `serverExternalPackages: ['kcp-wasm']` in next.config; elsewhere, mark " +
  'kcp-wasm as external to the bundler';

/**
 * Reads the package's .wasm at `location` (a file: URL or a path) for the entries that read it
 * from disk (node, bun, CommonJS). Throws KcpError NOT_INITIALIZED, naming the fix, when the file
 * is not there or is not WebAssembly (a bundler replaced it with JavaScript).
 */
export function readWasmFile(readFileSync, location) {
  let bytes;
  try {
    bytes = readFileSync(location);
  } catch (error) {
    throw kcpError('NOT_INITIALIZED', { message: `could not read kcp-wasm's WebAssembly file ${location}: ${error?.code ?? error?.message}; ${BUNDLER_HINT}`, cause: error });
  }
  if (bytes.length < 4 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw kcpError('NOT_INITIALIZED', { message: `kcp-wasm's WebAssembly file ${location} is not WebAssembly (it does not start with \\0asm); ${BUNDLER_HINT}` });
  }
  return bytes;
}
