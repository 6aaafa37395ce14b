// Hostile key files through the built package (`KcpSigner.fromPem`), as a JavaScript caller
// meets them: each is refused with its code, quickly (< 50 ms; the times are printed), and the
// same WebAssembly instance then still signs KCP's test key exactly like OpenSSL. Also: a freed
// signer throws FREED (not a wasm trap), freeing wipes the key from wasm memory, and neither
// errors nor the CLI's output ever show the password.
//
// PEM fixtures are handed over as text, DER fixtures as their bytes (a Buffer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { inspect } from 'node:util';
import { performance } from 'node:perf_hooks';
// The package's sources rather than `kcp-wasm` (whose Node entry is one bundled file with its own
// copy of the glue): the memory tests below read the wasm memory of the very instance that signs.
import { KcpSigner, KcpError } from '../../pkg/src/node.js';
import { initSync as facade } from '../../pkg/dist/wasm/kcp_wasm.js';
import { KCP, fixture, fixturesDir, manifest, root } from './helpers.mjs';

const m = manifest();
const DISTINCTIVE = 'S3cr3t-비밀-Pa55';
const LIMIT_MS = 50;

function keyText(file) {
  return file.endsWith('.der') ? fixture(file, null) : fixture(file);
}

/** Refuses `file` three times; the time is the best of the three (a GC pause is not the code's). */
function refuse(file, password) {
  const text = keyText(file);
  let error;
  let ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    try {
      KcpSigner.fromPem(text, password).free();
      error = undefined;
    } catch (e) {
      error = e;
    }
    ms = Math.min(ms, performance.now() - start);
  }
  return { error, ms };
}

function assertNoPassword(error, password, where) {
  for (const shown of [error.message, String(error), inspect(error, { depth: 5 }), JSON.stringify(error), error.stack ?? '']) {
    assert.ok(!shown.includes(password), `${where}: the error shows the password: ${shown}`);
  }
}

const kcpSignatures = JSON.parse(fixture('kcp/signatures.json'));

function assertKcpKeySigns() {
  const signer = KcpSigner.fromPem(KCP.key, KCP.password);
  try {
    for (const { plaintext, signature } of kcpSignatures) {
      assert.equal(signer.sign(plaintext), signature, plaintext);
    }
  } finally {
    signer.free();
  }
}

test('every hostile key file is refused with its code, under 50 ms, and the instance still signs', (t) => {
  // Warm up the instance (first calls pay for tier-up), then time each refusal.
  for (let i = 0; i < 3; i++) refuse('hostile/truncated.pem', 'x');

  const rows = [];
  for (const h of m.hostile) {
    for (const password of [h.password, DISTINCTIVE]) {
      const { error, ms } = refuse(h.file, password);
      assert.ok(error, `${h.file}: accepted`);
      assert.ok(error instanceof KcpError, `${h.file}: not a KcpError: ${inspect(error)}`);
      assert.equal(error.name, 'KcpError');
      const allowed = [h.code, ...(h.also_accepted ?? [])];
      // A wrong password cannot turn a hostile file's refusal into another class of error,
      // except for the files whose only fault is the password.
      const expected = password === DISTINCTIVE && h.code === 'KEY_PASSWORD_INCORRECT' ? ['KEY_PASSWORD_INCORRECT'] : allowed;
      assert.ok(expected.includes(error.code), `${h.file} (${password === DISTINCTIVE ? 'distinctive' : 'its own'} password): ${error.code}, wanted ${expected.join(' or ')}: ${error.message}`);
      assertNoPassword(error, password || DISTINCTIVE, h.file);
      assert.ok(ms < LIMIT_MS, `${h.file}: refused in ${ms.toFixed(2)} ms (limit ${LIMIT_MS} ms)`);
      rows.push({ file: h.file, password: password === DISTINCTIVE ? 'distinctive' : 'manifest', code: error.code, ms: +ms.toFixed(3) });
    }
    // After each hostile file, the same instance still signs correctly.
    assertKcpKeySigns();
  }
  const lines = rows.map((r) => `${r.ms.toFixed(3).padStart(8)} ms  ${r.code.padEnd(24)} ${r.file} (${r.password} password)`);
  t.diagnostic('refusal times (best of 3):');
  for (const line of lines) t.diagnostic(line);
  if (process.env.KCP_HOSTILE_TIMES) console.log(lines.join('\n'));
  const beforeKdf = m.hostile.filter((h) => h.refuse_before_kdf).map((h) => h.file);
  for (const r of rows.filter((r) => beforeKdf.includes(r.file))) {
    assert.ok(r.ms < 5, `${r.file} must be refused before any KDF runs; took ${r.ms} ms`);
  }
});

/** DER length octets. */
function derLength(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, value) => Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);

test('a 16384-bit modulus is refused before any arithmetic', () => {
  // An RSAPrivateKey whose modulus has 16384 bits (the other values are filler: the size is
  // checked first). Not in the fixtures: OpenSSL takes minutes to make a real one.
  const big = (bytes) => tlv(0x02, Buffer.concat([Buffer.from([0x00, 0xc1]), Buffer.alloc(bytes - 1, 0x5a)]));
  const der = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([0])), big(2048), tlv(0x02, Buffer.from([1, 0, 1])), big(2048), big(1024), big(1024), big(1024), big(1024), big(1024)]));
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END RSA PRIVATE KEY-----\n`;
  for (const input of [pem, der]) {
    let ms = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      assert.throws(() => KcpSigner.fromPem(input, ''), (e) => e.code === 'KEY_LIMIT_EXCEEDED' && /16384/.test(e.message));
      ms = Math.min(ms, performance.now() - start);
    }
    assert.ok(ms < LIMIT_MS, `refused in ${ms.toFixed(2)} ms`);
  }
  assertKcpKeySigns();
});

test('a key with inconsistent CRT values never signs', () => {
  assert.throws(() => KcpSigner.fromPem(fixture('hostile/bad-crt.pem'), ''), (e) => e.code === 'KEY_INCONSISTENT');
  assertKcpKeySigns();
});

test('a freed signer throws FREED, not a trap, and free() is idempotent', () => {
  const signer = KcpSigner.fromPem(KCP.key, KCP.password);
  assert.equal(signer.sign(kcpSignatures[0].plaintext), kcpSignatures[0].signature);
  signer.free();
  for (const call of [() => signer.sign('T0000^1^STSC'), () => signer.modulusBits, () => signer.keyFormat, () => signer.matchesCertificate(KCP.cert)]) {
    assert.throws(call, (e) => {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `a wasm trap: ${e}`);
      assert.ok(e instanceof KcpError);
      assert.equal(e.code, 'FREED');
      assert.match(e.message, /freed/);
      return true;
    });
  }
  signer.free();
  // `using` / Symbol.dispose frees too.
  const other = KcpSigner.fromPem(KCP.key, KCP.password);
  const dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');
  other[dispose]();
  assert.throws(() => other.sign('x'), (e) => e.code === 'FREED');
  assertKcpKeySigns();
});

// ---- The key leaves wasm memory on free() ---------------------------------------------------

/** Reads the INTEGERs d, p, q, dP, dQ, qInv of an unencrypted PKCS#8 RSA key, big-endian, no sign byte. */
function rsaSecrets(der) {
  let at = 0;
  const read = () => {
    const tag = der[at];
    let len = der[at + 1];
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i];
      head += n;
    }
    const value = der.subarray(at + head, at + head + len);
    return { tag, head, len, value };
  };
  const enter = () => { at += read().head; };
  const skip = () => { const r = read(); at += r.head + r.len; return r; };
  enter(); // PrivateKeyInfo
  skip(); // version
  skip(); // AlgorithmIdentifier
  enter(); // OCTET STRING
  enter(); // RSAPrivateKey
  skip(); skip(); skip(); // version, n, e
  const out = {};
  for (const name of ['d', 'p', 'q', 'dP', 'dQ', 'qInv']) {
    let { value } = skip();
    while (value[0] === 0) value = value.subarray(1);
    out[name] = Buffer.from(value);
  }
  return out;
}

/** A big-endian value as the fixed-size signer stores it: 28-bit limbs in 32-bit words, least
 * significant first (src/rsa_fast/mont.rs). */
function limbs28(be) {
  let x = BigInt(`0x${be.toString('hex')}`);
  const words = [];
  while (x > 0n) {
    words.push(Number(x & 0xfffffffn));
    x >>= 28n;
  }
  const out = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => out.writeUInt32LE(w, i * 4));
  return out;
}

/** Where wasm memory holds each secret value: a 16-byte run from its middle, as 28-bit limbs
 * (how the signer holds a live key), as little-endian bytes (a 32-bit-limb bignum) or as
 * big-endian bytes (DER, to_be_bytes). */
function secretsInMemory(memory, secrets) {
  const heap = Buffer.from(memory.buffer);
  const found = new Map();
  for (const [name, value] of Object.entries(secrets)) {
    const mid = value.length >> 1;
    const be = value.subarray(mid - 8, mid + 8);
    const limbs = limbs28(value);
    const limbsMid = (limbs.length >> 3) << 2;
    for (const [form, needle] of [['limbs', limbs.subarray(limbsMid - 8, limbsMid + 8)], ['le', Buffer.from(be).reverse()], ['be', be]]) {
      const offsets = [];
      for (let i = heap.indexOf(needle); i >= 0; i = heap.indexOf(needle, i + 1)) offsets.push(i);
      if (offsets.length) found.set(`${name}/${form}`, offsets);
    }
  }
  return found;
}

const describe = (found) => [...found].map(([k, v]) => `${k} ×${v.length}`).join(', ') || 'nothing';

test('free() wipes the key it holds from wasm memory', (t) => {
  const exports = facade(); // the package's own, already initialised instance
  assert.ok(exports.memory instanceof WebAssembly.Memory);
  const secrets = rsaSecrets(fixture('rsa2048/pkcs8.der', null));

  const signer = KcpSigner.fromPem(fixture('rsa2048/kcp-pkcs12.pem'), 'changeit');
  signer.sign('T0000^21234567890123^STSC');
  const live = secretsInMemory(exports.memory, secrets);
  // The scan works: while the key lives, its CRT values are in memory as the signer's limbs.
  for (const name of ['p/limbs', 'q/limbs', 'dP/limbs', 'dQ/limbs', 'qInv/limbs']) {
    assert.ok(live.has(name), `the live key's ${name} was not found in wasm memory (found ${describe(live)})`);
  }
  // d is checked at load (d mod p−1 = dP …) and never kept, in any form.
  assert.ok(![...live.keys()].some((k) => k.startsWith('d/')), `the live key keeps d: ${describe(live)}`);
  signer.free();
  const after = secretsInMemory(exports.memory, secrets);
  t.diagnostic(`secret runs in wasm memory: live key ${describe(live)}; after free() ${describe(after)}`);
  // The key's own storage is zeroized: no CRT exponent or coefficient in any form, and no copy of
  // p or q in the signer's form.
  for (const name of ['d', 'dP', 'dQ', 'qInv', 'p', 'q']) {
    for (const form of ['limbs', 'be']) {
      assert.ok(!after.has(`${name}/${form}`), `after free() wasm memory still holds ${name}/${form} at ${after.get(`${name}/${form}`)}`);
    }
  }
});

// Every form: the signer's limbs, 32-bit-limb bignums (crypto-bigint's, for the blinding pair's
// inversions) and big-endian bytes (DER, the decrypted key). Stack copies included: the signer
// scrubs the stack it used (src/rsa_fast, scrub_stack).
test('no copy of any secret value survives free()', () => {
  const exports = facade();
  const secrets = rsaSecrets(fixture('rsa2048/pkcs8.der', null));
  const signer = KcpSigner.fromPem(fixture('rsa2048/kcp-pkcs12.pem'), 'changeit');
  signer.sign('T0000^21234567890123^STSC');
  signer.free();
  const after = secretsInMemory(exports.memory, secrets);
  assert.equal(after.size, 0, `after free() wasm memory holds ${describe(after)}`);
});

// ---- The CLI --------------------------------------------------------------------------------

test('the CLI never prints the password, whatever the key file', () => {
  const cli = path.join(root, 'pkg/bin/kcp-wasm.js');
  const files = ['hostile/truncated.pem', 'hostile/pkcs12-iter-2147483647.pem', 'hostile/bad-iv-length.pem', 'kcp/splPrikeyPKCS8.pem', 'rsa2048/pbes2-hmacSHA256-aes-256-cbc.pem'];
  for (const file of files) {
    const r = spawnSync(process.execPath, [cli, 'sign', '--key', path.join(fixturesDir, file), 'T0000^21234567890123^STSC'], {
      env: { ...process.env, KCP_KEY_PASSWORD: DISTINCTIVE },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 1, `${file}: exit ${r.status}: ${r.stderr}`);
    const output = r.stdout + r.stderr;
    assert.match(output, /KEY_/);
    assert.ok(!output.includes(DISTINCTIVE), `${file}: the CLI printed the password:\n${output}`);
  }
});
