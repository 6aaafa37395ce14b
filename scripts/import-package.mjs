// Imports the package by its bare name (`kcp-wasm`, `kcp-wasm/testing`), as a merchant's code
// would. Used by scripts/demo.mjs and tests/js/emulator-client.test.mjs.
//
// This repository is not a merchant's project: if the name does not resolve, pkg/ is linked in
// once as node_modules/kcp-wasm, the way `npm install ./pkg` would (node_modules is ignored by
// git), and the import is tried again.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function importByName(specifier) {
  try {
    return await import(specifier);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes("'kcp-wasm")) throw e;
  }
  const link = path.join(root, 'node_modules', 'kcp-wasm');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  try {
    fs.symlinkSync(path.join('..', 'pkg'), link, 'dir');
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  return import(specifier);
}
