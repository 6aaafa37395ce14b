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

/**
 * Serves `dir` (holding the worker's modules, key.pem and cert.pem) with the npm workerd on a free
 * port. `modules` are [name, kind, file]. Resolves to { url, logs(), stop() }.
 */
async function serveWorker(dir, modules) {
  fs.copyFileSync(KCP.keyPath, path.join(dir, 'key.pem'));
  fs.copyFileSync(KCP.certPath, path.join(dir, 'cert.pem'));
  const port = await freePort();
  const mods = modules.map(([name, kind, file]) => `    (name = ${JSON.stringify(name)}, ${kind} = embed ${JSON.stringify(file)}),`).join('\n');
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .kcpWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const kcpWorker :Workerd.Worker = (
  modules = [
${mods}
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
  let logs = '';
  const proc = spawn(bin('workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => (logs += d));
  proc.stderr.on('data', (d) => (logs += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`workerd exited ${proc.exitCode}:\n${logs}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGTERM');
      throw new Error(`workerd did not start:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    logs: () => logs,
    stop: () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
    },
  };
}

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
    server = await serveWorker(dir, [
      ['worker.mjs', 'esModule', 'worker.mjs'],
      ['kcp_wasm_bg.wasm', 'wasm', 'kcp_wasm_bg.wasm'],
    ]);
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
    server = await serveWorker(out, [[main[0], 'esModule', main[0]], ...wasm.map((f) => [f, 'wasm', f])]);
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
