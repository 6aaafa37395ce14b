// Vercel / Next.js edge runtime entry: the bundler turns `?module` imports into a compiled
// WebAssembly.Module, instantiated synchronously here.
// The simd128 build (see wasm-file.js): this runtime's engine always has WebAssembly SIMD.
import wasmModule from '../dist/wasm/kcp_wasm_bg.wasm?module';
import { initSync } from './core.js';

initSync(wasmModule);

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'edge-light';
