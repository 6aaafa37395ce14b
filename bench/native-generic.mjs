// Run by bench.mjs in a child process whose environment sets OPENSSL_ia32cap to hide AVX-512
// IFMA from OpenSSL (the capability vector is read once, at start-up, so it cannot be changed
// inside the main process). Prints {bits: {median, p95, n}} for Node crypto.sign per key.
//
//   OPENSSL_ia32cap=':~0x200000' node bench/native-generic.mjs <fixtures dir> <rounds scale>
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [fixtures, scaleArg] = process.argv.slice(2);
const scale = Number(scaleArg) || 1;
const MESSAGE = Buffer.from('T0000^21234567890123^STPC', 'utf8');
const KEYS = [
  [2048, 'kcp/splPrikeyPKCS8.pem', 720],
  [3072, 'rsa3072/kcp-pkcs12.pem', 240],
  [4096, 'rsa4096/kcp-pkcs12.pem', 120],
];
const out = {};
for (const [bits, rel, samples] of KEYS) {
  const key = crypto.createPrivateKey({ key: fs.readFileSync(path.join(fixtures, rel)), passphrase: 'changeit' });
  const n = Math.max(20, Math.round(samples * scale));
  for (let i = 0; i < n / 10; i++) crypto.sign('sha256', MESSAGE, key); // warm-up
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    crypto.sign('sha256', MESSAGE, key);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  out[bits] = { median: t[Math.floor(t.length / 2)], p95: t[Math.floor(t.length * 0.95)], n };
}
console.log(JSON.stringify(out));
