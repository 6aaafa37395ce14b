// The `browser`/`default` and `edge-light` entries, resolved through the exports map by esbuild
// the way a web bundler / Next.js would, then run in Node. The edge-light bundle gets the same
// treatment Next.js gives `.wasm?module` imports: a precompiled WebAssembly.Module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { KCP, root, opensslSign } from '../js/helpers.mjs';

const out = path.join(root, 'test-results/bundles');
const wasmPath = path.join(root, 'pkg/dist/wasm/kcp_wasm_bg.wasm');
const PLAINTEXT = 'T0000^21234567890123^STSC';

async function bundle(name, options) {
  fs.mkdirSync(out, { recursive: true });
  const outfile = path.join(out, `${name}.mjs`);
  await esbuild.build({
    stdin: { contents: "export * from 'kcp-wasm';", resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    outfile,
    logLevel: 'error',
    ...options,
  });
  return import(`${pathToFileURL(outfile).href}?${Date.now()}`);
}

test('browser entry: NOT_INITIALIZED until init(), then signs like OpenSSL; init is idempotent', async () => {
  const kcp = await bundle('browser', { platform: 'browser' });
  assert.equal(kcp.runtimeEntry, 'browser');
  assert.throws(() => kcp.serializeCertificate(KCP.cert), (e) => e instanceof kcp.KcpError && e.code === 'NOT_INITIALIZED');
  assert.throws(() => kcp.KcpSigner.fromPem(KCP.key, KCP.password), { code: 'NOT_INITIALIZED' });
  // A failed load (here: Node's fetch cannot read the default file: URL) leaves init() retryable.
  await assert.rejects(kcp.init(), { code: 'NOT_INITIALIZED' });
  const bytes = fs.readFileSync(wasmPath);
  await Promise.all([kcp.init(bytes), kcp.init(bytes)]);
  await kcp.init();
  const signer = kcp.KcpSigner.fromPem(KCP.key, KCP.password);
  assert.equal(signer.sign(PLAINTEXT), opensslSign(KCP.keyPath, KCP.password, PLAINTEXT));
  signer.free();
});

test('browser entry: initSync with a compiled module', async () => {
  const kcp = await bundle('browser-sync', { platform: 'browser' });
  kcp.initSync(new WebAssembly.Module(fs.readFileSync(wasmPath)));
  assert.equal(kcp.serializeCertificate(KCP.cert), KCP.cert.replace(/\r?\n/g, ''));
});

test('edge-light entry (Next.js / Vercel edge): ready at import through a `.wasm?module` import', async () => {
  const kcp = await bundle('edge-light', {
    platform: 'neutral',
    conditions: ['edge-light', 'worker', 'browser'],
    external: ['node:fs'],
    plugins: [
      {
        name: 'wasm-module',
        setup(build) {
          build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({
            path: path.resolve(args.resolveDir, args.path.replace(/\?module$/, '')),
            namespace: 'wasm-module',
          }));
          build.onLoad({ filter: /.*/, namespace: 'wasm-module' }, (args) => ({
            contents: `import { readFileSync } from 'node:fs';\nexport default new WebAssembly.Module(readFileSync(${JSON.stringify(args.path)}));`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  assert.equal(kcp.runtimeEntry, 'edge-light');
  const client = new kcp.KcpClient({ siteCd: 'T0000', certificate: KCP.cert, privateKey: KCP.key, password: KCP.password });
  const body = JSON.parse(client.prepareCancel({ tno: '21234567890123' }).body);
  assert.equal(body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, PLAINTEXT));
  client.free();
});

test('no entry uses top-level await', () => {
  for (const f of fs.readdirSync(path.join(root, 'pkg/src')).filter((f) => f.endsWith('.js'))) {
    const src = fs.readFileSync(path.join(root, 'pkg/src', f), 'utf8');
    assert.doesNotMatch(src, /^await |^const \w+ = await /m, f);
  }
});
