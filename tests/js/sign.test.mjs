// Signing and certificates through the built package (ESM, `import 'kcp-wasm'`), with OpenSSL
// as the oracle: every key of tests/fixtures/manifest.json signs byte-identical to OpenSSL.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  KcpSigner,
  KcpError,
  serializeCertificate,
  inspectCertificate,
  verifySignature,
  cancelPlaintext,
  inquiryPlaintext,
  runtimeEntry,
  init,
  ERROR_CODES,
} from 'kcp-wasm';
import { KCP, root, manifest, fixture, opensslSign } from './helpers.mjs';

const m = manifest();

function readKey(entry) {
  return entry.encoding === 'der' ? fixture(entry.file, null) : fixture(entry.file);
}

test('the node ESM entry is loaded and ready at import', async () => {
  assert.equal(runtimeEntry, 'node');
  await init(); // a no-op here, and idempotent
  await init();
});

test("KCP's public test key signs byte-identical to OpenSSL", () => {
  const signer = KcpSigner.fromPem(KCP.key, KCP.password);
  try {
    assert.equal(signer.keyFormat, 'pkcs12-pbe-sha1-3des');
    assert.equal(signer.modulusBits, 2048);
    assert.equal(signer.matchesCertificate(KCP.cert), true);
    for (const plaintext of ['T0000^21234567890123^STSC', 'T0000^21234567890123^PACA', '한글^평문']) {
      assert.equal(signer.sign(plaintext), opensslSign(KCP.keyPath, KCP.password, plaintext), plaintext);
    }
  } finally {
    signer.free();
  }
});

describe('every key in the fixture manifest signs byte-identical to OpenSSL', () => {
  for (const entry of m.keys) {
    test(`${entry.file} (${entry.format}, ${entry.bits} bits, ${entry.encoding})`, () => {
      const signer = KcpSigner.fromPem(readKey(entry), entry.password);
      try {
        assert.equal(signer.keyFormat, entry.format);
        assert.equal(signer.modulusBits, entry.bits);
        for (const { plaintext, signature } of entry.signatures) {
          assert.equal(signer.sign(plaintext), signature, plaintext);
        }
        assert.equal(signer.matchesCertificate(fixture(entry.cert)), true);
        assert.equal(signer.matchesCertificate(fixture(m.mismatch_cert)), false);
      } finally {
        signer.free();
      }
    });
  }
});

describe('hostile keys fail with their stable code', () => {
  for (const entry of m.hostile) {
    test(`${entry.file} -> ${entry.code}`, () => {
      const data = entry.file.endsWith('.der') ? fixture(entry.file, null) : fixture(entry.file);
      assert.throws(
        () => KcpSigner.fromPem(data, entry.password),
        (e) =>
          e instanceof KcpError &&
          [entry.code, ...(entry.also_accepted ?? [])].includes(e.code) &&
          ERROR_CODES.includes(e.code) &&
          !e.message.includes(entry.password || '\0'),
      );
    });
  }
});

describe('certificates', () => {
  for (const [file, want] of Object.entries(m.certs)) {
    test(`${file}: kcp_cert_info and details`, () => {
      const pem = fixture(file);
      assert.equal(serializeCertificate(pem), want.kcp_cert_info);
      assert.equal(serializeCertificate(pem.replace(/\n/g, '\r\n')), want.kcp_cert_info, 'CRLF input');
      const info = inspectCertificate(pem);
      assert.equal(info.kcpCertInfo, want.kcp_cert_info);
      assert.equal(info.publicKeyBits, want.public_key_bits);
      assert.equal(info.serialNumber.toLowerCase().replace(/^0+/, ''), want.serial_hex.replace(/^0+/, ''));
      assert.equal(info.notBefore, want.not_before);
      assert.equal(info.notAfter, want.not_after);
      assert.equal(typeof info.subject, 'string');
      assert.ok(info.subject.length > 0);
    });
  }

  test('a private key in the certificate slot is CERT_IS_PRIVATE_KEY', () => {
    assert.throws(() => serializeCertificate(KCP.key), { code: 'CERT_IS_PRIVATE_KEY' });
  });

  test('garbage is CERT_MALFORMED', () => {
    assert.throws(() => serializeCertificate('not a certificate'), { code: 'CERT_MALFORMED' });
    assert.throws(() => inspectCertificate(42), { code: 'CERT_MALFORMED' });
  });
});

test('verifySignature accepts OpenSSL signatures and rejects others', () => {
  const plaintext = 'T0000^21234567890123^STSC';
  const sig = opensslSign(KCP.keyPath, KCP.password, plaintext);
  assert.equal(verifySignature(KCP.cert, plaintext, sig), true);
  assert.equal(verifySignature(KCP.cert, 'T0000^21234567890123^STPC', sig), false);
  assert.equal(verifySignature(fixture(m.mismatch_cert), plaintext, sig), false);
});

test('plaintext builders join validated fields with ^', () => {
  assert.equal(cancelPlaintext('T0000', '21234567890123', 'STSC'), 'T0000^21234567890123^STSC');
  assert.equal(inquiryPlaintext('T0000', '21234567890123', 'PACA'), 'T0000^21234567890123^PACA');
  assert.throws(() => cancelPlaintext('T0000', '2123^4567890123', 'STSC'), (e) => e instanceof KcpError && e.code === 'FIELD_INVALID');
  assert.throws(() => inquiryPlaintext('T0000', '21234567890123\n', 'PACA'), { code: 'FIELD_INVALID' });
});

test('a wrong password is KEY_PASSWORD_INCORRECT and never echoed', () => {
  assert.throws(
    () => KcpSigner.fromPem(KCP.key, 'hunter2-wrong'),
    (e) => e instanceof KcpError && e.code === 'KEY_PASSWORD_INCORRECT' && !e.message.includes('hunter2-wrong'),
  );
});

test('free() and Symbol.dispose wipe the signer; later use is FREED', () => {
  const signer = KcpSigner.fromPem(KCP.key, KCP.password);
  signer.free();
  signer.free(); // twice is fine
  assert.throws(() => signer.sign('x'), { code: 'FREED' });
  const other = KcpSigner.fromPem(KCP.key, KCP.password);
  other[Symbol.dispose]();
  assert.throws(() => other.sign('x'), (e) => e instanceof KcpError && e.code === 'FREED');
});

test('KcpSigner cannot be constructed directly', () => {
  assert.throws(() => new KcpSigner({}), TypeError);
});

test('no secure random source: RANDOM_UNAVAILABLE, and the module stays usable', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    const k = await import('kcp-wasm');
    const fs = await import('node:fs');
    const signer = k.KcpSigner.fromPem(fs.readFileSync(${JSON.stringify(KCP.keyPath)}, 'utf8'), ${JSON.stringify(KCP.password)});
    let code;
    try { signer.sign('T0000^1^STSC'); } catch (e) { code = (e instanceof k.KcpError) + ':' + e.code; }
    console.log(code, k.serializeCertificate(fs.readFileSync(${JSON.stringify(KCP.certPath)}, 'utf8')).slice(0, 27));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root }).trim();
  assert.equal(out, 'true:RANDOM_UNAVAILABLE -----BEGIN CERTIFICATE-----');
});
