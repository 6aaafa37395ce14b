// Deno entry (also Deno Deploy and Netlify Edge Functions): Deno imports the .wasm as a
// compiled module (source phase import), with no file-read permission needed, and it is
// instantiated synchronously at import, so everything is ready without init().
// The simd128 build (see wasm-file.js): this runtime's engine always has WebAssembly SIMD.
import source wasmModule from '../dist/wasm/kcp_wasm_bg.wasm';
import { initSync } from './core.js';

initSync(wasmModule);

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'deno';
