// Runs a wasm32-wasip1 test binary (cargo's runner for that target, see scripts/wasm-unit-tests.sh)
// under Node's WASI. Imports of any other module (the wasm-bindgen facade's, never called by the
// unit tests) are stubs that throw if they are ever called.
import fs from 'node:fs';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning'); // WASI's "experimental" notice
const [file, ...args] = process.argv.slice(2);
const module = await WebAssembly.compile(fs.readFileSync(file));
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: process.env, returnOnExit: true });
const imports = { wasi_snapshot_preview1: wasi.wasiImport };
for (const { module: name, name: field, kind } of WebAssembly.Module.imports(module)) {
  if (name === 'wasi_snapshot_preview1') continue;
  if (kind !== 'function') throw new Error(`cannot stub the ${kind} import ${name}.${field}`);
  imports[name] ??= {};
  imports[name][field] = () => {
    throw new Error(`${name}.${field} called in a unit test`);
  };
}
const instance = await WebAssembly.instantiate(module, imports);
process.exitCode = wasi.start(instance);
