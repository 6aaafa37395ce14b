// Writes examples/*/package-lock.json: installs each example as the tests do (support.mjs:
// kcp-wasm from the packed tarball, everything else at the versions its package.json pins), then
// commits the lock with kcp-wasm as it resolves from npm. Run after changing an example's
// dependencies (needs pkg/dist: scripts/build.sh):
//
//   node tests/examples/update-locks.mjs [name…]
import fs from 'node:fs';
import path from 'node:path';
import { examplesDir, installExample, lockForCommit } from './support.mjs';

const names = process.argv.slice(2);
for (const name of names.length ? names : fs.readdirSync(examplesDir).filter((n) => fs.existsSync(path.join(examplesDir, n, 'package.json')))) {
  installExample(name);
  fs.writeFileSync(path.join(examplesDir, name, 'package-lock.json'), lockForCommit(name));
  console.log(`examples/${name}/package-lock.json`);
}
