// The client and the emulator together inside real workerd (the npm `workerd` package), bundled
// the way wrangler does: esbuild with the workerd condition, the .wasm kept as a module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const dir = path.join(root, 'test-results/workerd-emulator');
const kcpDir = ['tests/fixtures/kcp', '../shared/kcp-public-test'].map((d) => path.join(root, d)).find((d) => fs.existsSync(path.join(d, 'splCert.pem')));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

let proc;
let port;
let logs = '';

before(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(here, 'worker.js')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    outfile: path.join(dir, 'worker.mjs'),
    logLevel: 'error',
    plugins: [{
      name: 'wasm-modules',
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, (args) => {
          const file = path.resolve(args.resolveDir, args.path);
          fs.copyFileSync(file, path.join(dir, path.basename(file)));
          return { path: `./${path.basename(file)}`, external: true };
        });
      },
    }],
  });
  fs.copyFileSync(path.join(kcpDir, 'splPrikeyPKCS8.pem'), path.join(dir, 'key.pem'));
  fs.copyFileSync(path.join(kcpDir, 'splCert.pem'), path.join(dir, 'cert.pem'));
  port = await freePort();
  fs.writeFileSync(path.join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .emulatorWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const emulatorWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "kcp_wasm_bg.wasm", wasm = embed "kcp_wasm_bg.wasm"),
  ],
  bindings = [
    (name = "KCP_CERT", text = embed "cert.pem"),
    (name = "KCP_KEY", text = embed "key.pem"),
    (name = "KCP_KEY_PASSWORD", text = "changeit"),
  ],
  compatibilityDate = "2025-01-01",
);
`);
  proc = spawn(path.join(root, 'node_modules/.bin/workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => (logs += d));
  proc.stderr.on('data', (d) => (logs += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`workerd exited ${proc.exitCode}:\n${logs}`);
    try {
      await fetch(`http://127.0.0.1:${port}/health`, { method: 'HEAD' });
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`workerd did not start:\n${logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGTERM');
});

test('in workerd: client → emulator through injected fetch, every outcome as in Node', async () => {
  const r = await fetch(`http://127.0.0.1:${port}/`);
  const text = await r.text();
  assert.equal(r.status, 200, `${text}\n${logs}`);
  const { runtimeEntry, steps, ledger, requests } = JSON.parse(text);
  assert.equal(runtimeEntry, 'workerd');
  assert.equal(steps.cancel.ok, true, JSON.stringify(steps.cancel));
  assert.equal(Number(steps.cancel.remaining), 0);
  assert.equal(Number(steps.refund1.remaining), 25000);
  assert.equal(steps.refund1.partialSequence, '1');
  assert.equal(Number(steps.refund2.remaining), 18000);
  assert.deepEqual([steps.stale.ok, steps.stale.code, steps.stale.resCd], [false, 'KCP_REJECTED', 'E302']);
  assert.deepEqual([steps.lost.ok, steps.lost.code], [false, 'OUTCOME_UNKNOWN']);
  assert.equal(steps.inquiry.raw.rem_mny, '15000');
  assert.deepEqual([steps.http.ok, steps.http.code], [false, 'HTTP_ERROR']);
  assert.equal(ledger.remaining, 15000);
  assert.equal(ledger.partialSequence, 3);
  assert.equal(requests, 7);
});
