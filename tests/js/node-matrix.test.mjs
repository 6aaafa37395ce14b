// The Node.js versions `engines` claims (pkg/package.json: ^20.19.0 || >=22.12.0): a cancel and a
// refund against the emulator on the lowest 20.x and 22.x it allows and on a current 24.x. The
// binaries come from the npm registry (the `node-<platform>-<arch>` packages behind the `node`
// package, installed with --ignore-scripts) into node_modules/.cache/kcp-node-matrix/, so the
// second run downloads nothing. Also: without globalThis.crypto (Node 18), the error says so.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KCP, root } from './helpers.mjs';

const VERSIONS = ['20.19.0', '22.12.0', '24.21.0'];
const cacheDir = path.join(root, 'node_modules/.cache/kcp-node-matrix');
const binaryPackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const script = path.join(root, 'tests/node-matrix/cancel.mjs');

function nodeBinary(version) {
  return path.join(cacheDir, version, 'node_modules', binaryPackage, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
}

before(() => {
  for (const version of VERSIONS) {
    if (fs.existsSync(nodeBinary(version))) continue;
    const dir = path.join(cacheDir, version);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', `${binaryPackage}@${version}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
});

test('engines says what this matrix tests', () => {
  const engines = JSON.parse(fs.readFileSync(path.join(root, 'pkg/package.json'), 'utf8')).engines.node;
  assert.equal(engines, '^20.19.0 || >=22.12.0');
});

for (const version of VERSIONS) {
  test(`Node ${version}: cancel and refund against the emulator`, () => {
    const r = spawnSync(nodeBinary(version), [script, KCP.certPath, KCP.keyPath], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(out.node, `v${version}`);
    assert.equal(out.runtimeEntry, 'node');
    assert.equal(out.cancel, '0000');
    assert.equal(out.refundRemaining, 27000);
    assert.equal(out.ledger, 'cancelled');
  });

  test(`Node ${version}: CommonJS require() of kcp-wasm and kcp-wasm/testing`, () => {
    const code = "const { createKcpEmulator } = require('kcp-wasm/testing'); const { KcpClient } = require('kcp-wasm'); console.log(typeof createKcpEmulator, typeof KcpClient)";
    const r = spawnSync(nodeBinary(version), ['-e', code], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'function function');
  });
}

test('no globalThis.crypto (as on Node 18): RANDOM_UNAVAILABLE names Node, not Cloudflare Workers', () => {
  const code = `
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    const { KcpSigner } = await import('kcp-wasm');
    const { readFileSync } = await import('node:fs');
    const s = KcpSigner.fromPem(readFileSync(${JSON.stringify(KCP.keyPath)}, 'utf8'), 'changeit');
    try { s.sign('T0000^1^STSC'); console.log('signed'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  assert.equal(out.code, 'RANDOM_UNAVAILABLE');
  assert.match(out.message, /Node\.js .*20\.19/);
  assert.doesNotMatch(out.message, /Workers/);
});
