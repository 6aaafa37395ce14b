// The package as published: `npm pack` output linted by publint and @arethetypeswrong/cli, then
// installed from the tarball into an empty project that imports, requires and runs the CLI.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { KCP, root, opensslSign } from './helpers.mjs';

const bin = (name) => path.join(root, 'node_modules/.bin', name);
const packDir = path.join(root, 'test-results/pack');
let tarball;

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.status}):\n${e.stdout}\n${e.stderr}`);
  }
}

before(() => {
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.mkdirSync(packDir, { recursive: true });
  const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: path.join(root, 'pkg') }));
  tarball = path.join(packDir, out[0].filename);
});

test('size of the .wasm (raw and gzip)', (t) => {
  const wasm = fs.readFileSync(path.join(root, 'pkg/dist/wasm/kcp_wasm_bg.wasm'));
  const gz = zlib.gzipSync(wasm, { level: 9 }).length;
  const line = `kcp_wasm_bg.wasm: ${wasm.length} bytes raw, ${gz} bytes gzip -9; tarball ${fs.statSync(tarball).size} bytes`;
  t.diagnostic(line);
  assert.ok(wasm.length > 0);
  // Issue 12's limit: the default module at most 120 KB gzipped (KB = 1000 bytes, by Node's zlib
  // at level 9, a few hundred bytes above `gzip -9`). It is about 114 KB
  // (docs/benchmarks.md#size says what each part costs); whatever grows it past the limit must be
  // a stated decision, not drift.
  const ceiling = 120_000;
  assert.ok(gz <= ceiling, `the default .wasm is ${gz} bytes gzip -9, over its ${ceiling}-byte ceiling`);
});

test('the tarball holds the wasm, the entries, the types and the CLI, and nothing else', () => {
  const files = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], { cwd: path.join(root, 'pkg') }))[0].files.map((f) => f.path);
  for (const f of [
    'dist/wasm/kcp_wasm_bg.wasm',
    'dist/wasm/kcp_wasm_scalar_bg.wasm',
    'dist/wasm/kcp_wasm.js',
    'src/wasm-file.js',
    'dist/node.cjs',
    'dist/node.mjs',
    'dist/bun.mjs',
    'dist/index.d.cts',
    'dist/testing/index.d.cts',
    'types/index.d.ts',
    'src/node.js',
    'src/workerd.js',
    'src/deno.js',
    'src/edge-light.js',
    'src/browser.js',
    'bin/kcp-wasm.js',
    'README.md',
    'LICENSE-MIT',
    'LICENSE-APACHE',
  ]) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  assert.ok(!files.some((f) => f.endsWith('.pem') || f.endsWith('.tgz') || f.startsWith('node_modules/')));
});

test('every document the package refers to is in the tarball', () => {
  const files = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], { cwd: path.join(root, 'pkg') }))[0].files.map((f) => f.path);
  const pkgDir = path.join(root, 'pkg');
  const referred = new Set();
  // Relative links of the README that npm shows, and `docs/….md` named in code, types and help.
  const readme = fs.readFileSync(path.join(pkgDir, 'README.md'), 'utf8');
  for (const [, target] of readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) referred.add(path.normalize(target));
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of [...walk(path.join(pkgDir, 'src')), ...walk(path.join(pkgDir, 'types')), ...walk(path.join(pkgDir, 'bin'))]) {
    for (const [doc] of fs.readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)) referred.add(doc);
  }
  assert.ok(referred.has('docs/emulator.md'), [...referred].join(', '));
  for (const doc of referred) assert.ok(files.includes(doc), `${doc} is referred to but not packed`);
});

test('publint passes (warnings count as failures)', () => {
  const out = run(bin('publint'), ['run', path.join(root, 'pkg'), '--strict']);
  assert.match(out, /All good/, out);
});

test('@arethetypeswrong/cli passes', () => {
  // ./testing has a CommonJS face (src/testing/index.cjs, which require()s the ES module: Node
  // 20.19 / 22.12 and later) and CommonJS types (index.d.cts), so no rule needs ignoring.
  const out = run(bin('attw'), [tarball, '--exclude-entrypoints', './kcp_wasm_bg.wasm', './kcp_wasm_scalar_bg.wasm', '--format', 'table-flipped']);
  assert.match(out, /No problems found/, out);
});

test('the tarball installs into an empty Node project: import, require and the CLI sign with KCP\'s test key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcp-wasm-consumer-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: dir });
    const plaintext = 'T0000^21234567890123^STSC';
    const expected = opensslSign(KCP.keyPath, KCP.password, plaintext);
    const script = (load) => `
      ${load}
      const fs = require_fs();
      const s = kcp.KcpSigner.fromPem(fs.readFileSync(process.argv[2], 'utf8'), process.argv[3]);
      console.log(kcp.runtimeEntry + ' ' + s.sign(process.argv[4]));`;
    fs.writeFileSync(
      path.join(dir, 'esm.mjs'),
      script("import * as kcp from 'kcp-wasm'; import * as fsm from 'node:fs'; const require_fs = () => fsm;"),
    );
    fs.writeFileSync(path.join(dir, 'cjs.cjs'), script("const kcp = require('kcp-wasm'); const require_fs = () => require('node:fs');"));
    const args = [KCP.keyPath, KCP.password, plaintext];
    assert.equal(run(process.execPath, ['esm.mjs', ...args], { cwd: dir }).trim(), `node ${expected}`);
    assert.equal(run(process.execPath, ['cjs.cjs', ...args], { cwd: dir }).trim(), `node-cjs ${expected}`);
    const cli = path.join(dir, 'node_modules/.bin/kcp-wasm');
    const env = { ...process.env, KCP_KEY_PASSWORD: KCP.password };
    assert.equal(run(cli, ['sign', '--key', KCP.keyPath, plaintext], { cwd: dir, env }).trim(), expected);
    const info = run(cli, ['cert-info', '--cert', KCP.certPath, '--key', KCP.keyPath], { cwd: dir, env });
    assert.match(info, /key is its pair: yes/);
    assert.match(info, /kcp_cert_info: {2}-----BEGIN CERTIFICATE-----MII/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
