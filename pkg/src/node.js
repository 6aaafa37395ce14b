// Node.js (ESM) entry: reads the .wasm that ships in this package and instantiates it
// synchronously at import, so everything is ready without init().
import { readFileSync } from 'node:fs';
import { initSync } from './core.js';
import { readWasmFile, simdSupported } from './wasm-file.js';

// Each URL written out whole, never computed: Turbopack (Next.js's Node.js runtime) follows
// `new URL('…', import.meta.url)`, copies that .wasm and rewrites the URL to the copy; with a
// computed name it picked another file of the directory. webpack rewrites it to a URL that is no
// file (readWasmFile says what to do then).
const wasmUrl = simdSupported()
  ? new URL('../dist/wasm/kcp_wasm_bg.wasm', import.meta.url)
  : new URL('../dist/wasm/kcp_wasm_scalar_bg.wasm', import.meta.url);

initSync(readWasmFile(readFileSync, wasmUrl));

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'node';
