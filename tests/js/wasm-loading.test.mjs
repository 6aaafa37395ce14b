// How the entries load the .wasm where bundlers get in the way.
//
// A compiled WebAssembly.Module from another realm, as Next.js's edge sandbox (a vm context) hands
// it to the edge-light entry for its `.wasm?module` import: `instanceof WebAssembly.Module` is
// false there, and wasm-bindgen's glue used to call `new WebAssembly.Module(module)` on it
// (NOT_INITIALIZED: "Argument 0 must be a buffer source"). scripts/build.sh replaces that check
// with a brand check.
//
// And the entries that read the .wasm from disk (node, bun, CommonJS) when a bundler replaced it
// with JavaScript (Next.js's webpack for its Node.js runtime): a NOT_INITIALIZED that names the
// fix, not V8's "expected magic word".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import { KCP, root, opensslSign } from './helpers.mjs';
import { readWasmFile } from '../../pkg/src/wasm-file.js';

const wasmPath = path.join(root, 'pkg/dist/wasm/kcp_wasm_bg.wasm');
const PLAINTEXT = 'T0000^21234567890123^STSC';

test('edge-light entry inside a vm context, given a module compiled in the outer realm', async () => {
  const outer = new WebAssembly.Module(fs.readFileSync(wasmPath));
  // What Next.js's edge runtime does: the bundle runs in a context of its own; the .wasm?module
  // import resolves to a module compiled outside it.
  const { outputFiles } = await esbuild.build({
    stdin: { contents: "export * from 'kcp-wasm';", resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'kcp',
    platform: 'neutral',
    conditions: ['edge-light', 'worker', 'browser'],
    logLevel: 'error',
    plugins: [
      {
        name: 'wasm-module-from-host',
        setup(build) {
          build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: args.path, namespace: 'host-wasm' }));
          build.onLoad({ filter: /.*/, namespace: 'host-wasm' }, () => ({ contents: 'export default globalThis.__hostWasmModule;', loader: 'js' }));
        },
      },
    ],
  });
  const context = vm.createContext({ __hostWasmModule: outer, TextEncoder, TextDecoder, crypto: globalThis.crypto, console, atob, btoa, URL });
  // The precondition that broke the glue: a real module, but not an instance of this realm's class.
  assert.equal(vm.runInContext('Object.prototype.toString.call(__hostWasmModule)', context), '[object WebAssembly.Module]');
  assert.equal(vm.runInContext('__hostWasmModule instanceof WebAssembly.Module', context), false);

  vm.runInContext(outputFiles[0].text, context);
  const kcp = context.kcp;
  assert.equal(kcp.runtimeEntry, 'edge-light');
  const signer = kcp.KcpSigner.fromPem(KCP.key, KCP.password);
  assert.equal(signer.sign(PLAINTEXT), opensslSign(KCP.keyPath, KCP.password, PLAINTEXT));
  signer.free();
});

test('browser entry: initSync refuses what is neither bytes nor a module, then takes another realm\'s module', async () => {
  const kcp = await import(`../../pkg/src/browser.js?${Date.now()}`);
  assert.throws(() => kcp.initSync({ not: 'a module' }), (e) => e instanceof kcp.KcpError && e.code === 'NOT_INITIALIZED');
  const other = vm.runInNewContext('new WebAssembly.Module(bytes)', { bytes: fs.readFileSync(wasmPath) });
  assert.equal(other instanceof WebAssembly.Module, false);
  kcp.initSync(other);
  assert.equal(kcp.serializeCertificate(KCP.cert), KCP.cert.replace(/\r?\n/g, ''));
});

test('readWasmFile: a file a bundler turned into JavaScript, or moved away, is NOT_INITIALIZED naming the fix', () => {
  const js = path.join(root, 'pkg/dist/wasm/kcp_wasm.js');
  for (const where of [js, path.join(root, 'pkg/dist/wasm/missing.wasm')]) {
    assert.throws(
      () => readWasmFile(fs.readFileSync, where),
      (e) => e.name === 'KcpError' && e.code === 'NOT_INITIALIZED' && e.message.includes(where) && e.message.includes("serverExternalPackages: ['kcp-wasm']"),
    );
  }
  const bytes = readWasmFile(fs.readFileSync, new URL(`file://${wasmPath}`));
  assert.ok(WebAssembly.validate(bytes));
});
