// Node.js (ESM) entry: reads the .wasm that ships in this package and instantiates it
// synchronously at import, so everything is ready without init().
import { readFileSync } from 'node:fs';
import { initSync } from './core.js';
import { readWasmFile, simdSupported } from './wasm-file.js';

// Each URL written out whole, never computed: bundlers that follow `new URL('…', import.meta.url)`
// (Next.js's Turbopack and webpack, for its Node.js runtime) then copy that .wasm and rewrite the
// URL to the copy. A computed name made Turbopack pick another file of the directory.
const wasmUrl = simdSupported()
  ? new URL('../dist/wasm/kcp_wasm_bg.wasm', import.meta.url)
  : new URL('../dist/wasm/kcp_wasm_scalar_bg.wasm', import.meta.url);

initSync(readWasmFile(readFileSync, wasmUrl));

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'node';
