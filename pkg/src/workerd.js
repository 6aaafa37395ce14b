// Cloudflare Workers (workerd) entry. Workers forbid compiling wasm from bytes at run time:
// the .wasm is imported as a module (wrangler and workerd compile it at upload) and
// instantiated synchronously. Instantiation does no signing and draws no randomness.
// The simd128 build (see wasm-file.js): this runtime's engine always has WebAssembly SIMD.
import wasmModule from '../dist/wasm/kcp_wasm_bg.wasm';
import { initSync } from './core.js';

initSync(wasmModule);

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'workerd';
