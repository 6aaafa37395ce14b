// Source of dist/node.cjs, the `require('kcp-wasm')` entry: bundled to CommonJS by
// scripts/build.sh, so `__dirname` is dist/ and the .wasm sits in dist/wasm/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync } from './core.js';
import { readWasmFile, wasmFileName } from './wasm-file.js';

initSync(readWasmFile(readFileSync, join(__dirname, 'wasm', wasmFileName())));

export * from './core.js';
export const runtimeEntry = 'node-cjs';
