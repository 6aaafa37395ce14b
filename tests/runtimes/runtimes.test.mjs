// The same package, unchanged, in real workerd, Deno and Bun (all from npm), each through its
// own export condition. Signatures are checked against OpenSSL's.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { KCP, root, opensslSign, opensslVerify } from '../js/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const PLAINTEXT = 'T0000^21234567890123^STPC';

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

describe('workerd (Cloudflare Workers runtime)', () => {
  const dir = path.join(root, 'test-results/workerd');
  let proc;
  let port;
  let logs = '';

  before(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // What wrangler does: bundle with the `workerd` condition, keep .wasm imports as modules.
    await esbuild.build({
      entryPoints: [path.join(here, 'workerd/worker.js')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      outfile: path.join(dir, 'worker.mjs'),
      logLevel: 'error',
      plugins: [
        {
          name: 'wasm-modules',
          setup(build) {
            build.onResolve({ filter: /\.wasm$/ }, (args) => {
              const file = path.resolve(args.resolveDir, args.path);
              fs.copyFileSync(file, path.join(dir, path.basename(file)));
              return { path: `./${path.basename(file)}`, external: true };
            });
          },
        },
      ],
    });
    fs.copyFileSync(KCP.keyPath, path.join(dir, 'key.pem'));
    fs.copyFileSync(KCP.certPath, path.join(dir, 'cert.pem'));
    port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .kcpWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const kcpWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "kcp_wasm_bg.wasm", wasm = embed "kcp_wasm_bg.wasm"),
  ],
  bindings = [
    (name = "KCP_CERT", text = embed "cert.pem"),
    (name = "KCP_KEY", text = embed "key.pem"),
    (name = "KCP_KEY_PASSWORD", text = "${KCP.password}"),
  ],
  compatibilityDate = "2025-01-01",
);
`,
    );
    proc = spawn(bin('workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d) => (logs += d));
    proc.stderr.on('data', (d) => (logs += d));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`workerd exited ${proc.exitCode}:\n${logs}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`);
        if (r.ok) break;
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

  test('the worker loaded the workerd entry', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    assert.deepEqual(await r.json(), { runtimeEntry: 'workerd' });
  });

  test('the worker answers a signed refund body that OpenSSL verifies and reproduces', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tno: '21234567890123', amount: 1000, remaining: 5000, reason: '부분 취소' }),
    });
    const text = await r.text();
    assert.equal(r.status, 200, `${text}\n${logs}`);
    const { runtimeEntry, url, plaintext, body } = JSON.parse(text);
    assert.equal(runtimeEntry, 'workerd');
    assert.equal(url, 'https://stg-spl.kcp.co.kr/gw/mod/v1/cancel');
    assert.equal(plaintext, PLAINTEXT);
    assert.equal(body.mod_type, 'STPC');
    assert.equal(body.mod_mny, '1000');
    assert.equal(body.rem_mny, '5000');
    assert.equal(body.mod_desc, '부분 취소');
    assert.equal(opensslVerify(KCP.certPath, PLAINTEXT, body.kcp_sign_data), true);
    assert.equal(body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, PLAINTEXT));
  });

  test('the worker reports a validation error with its code', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: JSON.stringify({ tno: '21234567890123', amount: 9000, remaining: 5000 }),
    });
    assert.equal(r.status, 500);
    assert.equal((await r.json()).error.code, 'FIELD_INVALID');
  });
});

function runSignCheck(command, args) {
  const out = execFileSync(command, [...args, path.join(here, 'sign-check.mjs'), KCP.keyPath, KCP.certPath, KCP.password, PLAINTEXT], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function checkSignOutput(result, entry) {
  assert.equal(result.runtimeEntry, entry);
  const expected = opensslSign(KCP.keyPath, KCP.password, PLAINTEXT);
  assert.equal(result.signature, expected);
  assert.equal(result.refundSignature, expected);
  assert.equal(result.verified, true);
  assert.equal(result.kcpCertInfo, fs.readFileSync(KCP.certPath, 'utf8').replace(/\r?\n/g, ''));
}

test('Deno imports the deno entry (no permission needed for the wasm) and signs like OpenSSL', () => {
  // --allow-read only for the test's own key files; the package itself needs no permission.
  const result = runSignCheck(bin('deno'), ['run', `--allow-read=${path.dirname(KCP.keyPath)}`]);
  checkSignOutput(result, 'deno');
});

test('Bun imports the bun entry and signs like OpenSSL', () => {
  checkSignOutput(runSignCheck(bin('bun'), ['run']), 'bun');
});

test('Node runs the same script through the node entry', () => {
  checkSignOutput(runSignCheck(process.execPath, []), 'node');
});
