// The CommonJS entry: `require('kcp-wasm')` is ready at once and signs like OpenSSL.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const kcp = require('kcp-wasm');

test('require() loads the CommonJS entry', () => {
  assert.equal(kcp.runtimeEntry, 'node-cjs');
  assert.equal(typeof kcp.KcpClient, 'function');
});

test("require('kcp-wasm') signs KCP's test key byte-identical to OpenSSL", async () => {
  const { KCP, opensslSign } = await import('./helpers.mjs');
  const signer = kcp.KcpSigner.fromPem(KCP.key, KCP.password);
  try {
    const plaintext = 'T0000^21234567890123^STSC';
    assert.equal(signer.sign(plaintext), opensslSign(KCP.keyPath, KCP.password, plaintext));
  } finally {
    signer.free();
  }
});

test('errors from the CommonJS and ESM copies are instances of either copy', async () => {
  const esm = await import('kcp-wasm');
  assert.equal(esm.runtimeEntry, 'node');
  let caught;
  try {
    kcp.KcpSigner.fromPem('junk', 'x');
  } catch (e) {
    caught = e;
  }
  assert.equal(caught.code, 'KEY_MALFORMED');
  assert.ok(caught instanceof kcp.KcpError);
  assert.ok(caught instanceof esm.KcpError);
  assert.ok(!(caught instanceof esm.KcpRejectedError));
});
