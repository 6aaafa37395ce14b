// Deno entry: reads the .wasm that ships in this package and instantiates it synchronously
// at import (Deno allows compiling wasm from bytes), so everything is ready without init().
import { initSync } from './core.js';

initSync(Deno.readFileSync(new URL('../dist/wasm/kcp_wasm_bg.wasm', import.meta.url)));

export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'deno';
