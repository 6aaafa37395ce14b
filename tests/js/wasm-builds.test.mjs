// The package ships two .wasm files: kcp_wasm_bg.wasm (built with WebAssembly SIMD, loaded
// everywhere SIMD exists) and kcp_wasm_scalar_bg.wasm (the same code without it). Both must sign
// exactly like OpenSSL, and an engine without SIMD must get the scalar one from every entry that
// picks at load time (ESM, CommonJS, Bun's and the browser's default URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { root, fixturesDir, KCP, opensslSign } from './helpers.mjs';

const wasmDir = path.join(root, 'pkg/dist/wasm');
const KEYS = [
  [KCP.keyPath, KCP.password],
  [path.join(fixturesDir, 'rsa3072/kcp-pkcs12.pem'), 'changeit'],
  [path.join(fixturesDir, 'rsa4096/pbes2-hmacSHA256-des-ede3-cbc.pem'), 'changeit'],
];

/** The wasm-bindgen glue as a module instance of its own (the query string makes it new). */
async function glueWith(file) {
  const glue = await import(`${pathToFileURL(path.join(wasmDir, 'kcp_wasm.js')).href}?${file}`);
  glue.initSync({ module: fs.readFileSync(path.join(wasmDir, file)) });
  return glue;
}

test('the default module uses SIMD and the fallback does not', async () => {
  // This engine has SIMD, so compiling cannot tell them apart: read their text (binaryen's
  // wasm-dis from npm, the same binaryen the build uses).
  const simd = new WebAssembly.Module(fs.readFileSync(path.join(wasmDir, 'kcp_wasm_bg.wasm')));
  const scalar = new WebAssembly.Module(fs.readFileSync(path.join(wasmDir, 'kcp_wasm_scalar_bg.wasm')));
  const names = (m) => WebAssembly.Module.exports(m).map((e) => e.name).sort();
  assert.deepEqual(names(simd), names(scalar), 'one glue file serves both: same exports');
  const text = (file) => execFileSync(path.join(root, 'node_modules/.bin/wasm-dis'), [path.join(wasmDir, file)], { maxBuffer: 256 << 20 }).toString();
  assert.match(text('kcp_wasm_bg.wasm'), /i64x2\.extmul_low_i32x4_u/);
  assert.doesNotMatch(text('kcp_wasm_scalar_bg.wasm'), /\b(v128|i64x2|i32x4|i8x16)\./);
});

for (const file of ['kcp_wasm_bg.wasm', 'kcp_wasm_scalar_bg.wasm']) {
  test(`${file} signs like OpenSSL (2048, 3072, 4096 bits)`, async () => {
    const glue = await glueWith(file);
    for (const [keyPath, password] of KEYS) {
      const signer = glue.Signer.fromPem(fs.readFileSync(keyPath, 'utf8'), password);
      for (const plaintext of ['T0000^21234567890123^STSC', 'T0000^21234567890123^RN07']) {
        assert.equal(signer.sign(plaintext), opensslSign(keyPath, password, plaintext), `${path.basename(keyPath)}: ${plaintext}`);
      }
      signer.free();
    }
  });
}

// An engine without SIMD, simulated: WebAssembly.validate says no to SIMD and compiling the
// SIMD module fails, as it would there. Every load-time entry must then load the scalar module.
const NO_SIMD = `
const simdBytes = require('node:fs').readFileSync(${JSON.stringify(path.join(wasmDir, 'kcp_wasm_bg.wasm'))});
const same = (b) => { const u = new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength); return u.length === simdBytes.length && Buffer.compare(Buffer.from(u), simdBytes) === 0; };
const validate = WebAssembly.validate;
WebAssembly.validate = (bytes) => (new Uint8Array(bytes).includes(0xfd) ? false : validate(bytes));
const Module = WebAssembly.Module;
WebAssembly.Module = function (bytes) { if (same(bytes)) throw new WebAssembly.CompileError('SIMD unsupported (simulated)'); return new Module(bytes); };
WebAssembly.Module.prototype = Module.prototype;
Object.assign(WebAssembly.Module, { exports: Module.exports, imports: Module.imports, customSections: Module.customSections });
`;

for (const [kind, code] of [
  ['ESM (node.js entry)', `import('kcp-wasm').then(run)`],
  ['CommonJS (node.cjs)', `run(require('kcp-wasm'))`],
]) {
  test(`without SIMD, the ${kind} entry loads the scalar module and signs like OpenSSL`, () => {
    const dir = fs.mkdtempSync(path.join(root, 'tests/js/.tmp-nosimd-'));
    try {
      const script = path.join(dir, 'run.cjs');
      fs.writeFileSync(
        script,
        `${NO_SIMD}
function run(k) {
  const s = k.KcpSigner.fromPem(require('node:fs').readFileSync(${JSON.stringify(KCP.keyPath)}, 'utf8'), ${JSON.stringify(KCP.password)});
  process.stdout.write(s.sign('T0000^21234567890123^STSC'));
}
${code};
`,
      );
      const out = execFileSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
      assert.equal(out, opensslSign(KCP.keyPath, KCP.password, 'T0000^21234567890123^STSC'));
      // And the simulation is real: loading the SIMD module under it fails.
      const direct = path.join(dir, 'direct.cjs');
      fs.writeFileSync(direct, `${NO_SIMD}\nnew WebAssembly.Module(simdBytes);\n`);
      assert.throws(() => execFileSync(process.execPath, [direct], { stdio: 'pipe' }), /SIMD unsupported/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
