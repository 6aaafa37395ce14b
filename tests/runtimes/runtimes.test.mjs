// The same package, unchanged, in real workerd, Deno and Bun (all from npm), each through its
// own export condition. Signatures are checked against OpenSSL's.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KCP, root, opensslSign, opensslVerify } from '../js/helpers.mjs';
import { bundleWorker, serveWorker } from '../support/workerd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const PLAINTEXT = 'T0000^21234567890123^STPC';

/** The checks run against tests/runtimes/workerd/worker.js however it was bundled. */
function workerChecks(server) {
  test('the worker loaded the workerd entry', async () => {
    const r = await fetch(server().url);
    assert.deepEqual(await r.json(), { runtimeEntry: 'workerd' });
  });

  test('the worker answers a signed refund body that OpenSSL verifies and reproduces', async () => {
    const r = await fetch(server().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tno: '21234567890123', amount: 1000, remaining: 5000, reason: '부분 취소' }),
    });
    const text = await r.text();
    assert.equal(r.status, 200, `${text}\n${server().logs()}`);
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
    const r = await fetch(server().url, {
      method: 'POST',
      body: JSON.stringify({ tno: '21234567890123', amount: 9000, remaining: 5000 }),
    });
    assert.equal(r.status, 500);
    assert.equal((await r.json()).error.code, 'FIELD_INVALID');
  });
}

describe('workerd (Cloudflare Workers runtime), bundled by esbuild with the workerd condition', () => {
  const dir = path.join(root, 'test-results/workerd');
  let server;

  before(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const modules = await bundleWorker({ entry: path.join(here, 'workerd/worker.js'), outDir: dir });
    server = await serveWorker({ dir, modules });
  });

  after(() => server?.stop());
  workerChecks(() => server);
});

describe('workerd, running the bundle `wrangler deploy --dry-run` makes', () => {
  const dir = path.join(root, 'test-results/wrangler');
  let server;

  before(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'wrangler.toml'),
      `name = "kcp-wasm-check"\nmain = ${JSON.stringify(path.join(here, 'workerd/worker.js'))}\ncompatibility_date = "2025-01-01"\n`,
    );
    try {
      execFileSync(bin('wrangler'), ['deploy', '--dry-run', '--outdir', 'out'], {
        cwd: dir,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    } catch (e) {
      throw new Error(`wrangler failed:\n${e.stdout}\n${e.stderr}`);
    }
    const out = path.join(dir, 'out');
    const wasm = fs.readdirSync(out).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, 'wrangler kept the .wasm as one module');
    const main = fs.readdirSync(out).filter((f) => f.endsWith('.js'));
    assert.equal(main.length, 1, 'one bundled worker');
    server = await serveWorker({ dir: out, modules: [[main[0], 'esModule', main[0]], ...wasm.map((f) => [f, 'wasm', f])] });
  });

  after(() => server?.stop());
  workerChecks(() => server);
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
