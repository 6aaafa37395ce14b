// Node.js (ESM) entry: reads the .wasm that ships in this package and instantiates it
// synchronously at import, so everything is ready without init().
import { readFileSync } from 'node:fs';
import { initSync } from './core.js';
import { wasmFileName } from './wasm-file.js';

initSync(readFileSync(new URL(`../dist/wasm/${wasmFileName()}`, import.meta.url)));

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'node';
