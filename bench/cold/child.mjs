// One cold start, in a fresh process of Node, Deno or Bun (run by bench/cold.mjs):
//   child.mjs <contender> <entry file> <key file> <password> <pkcs8 DER file>
// contender `kcp`: import kcp-wasm's entry for this runtime (which compiles and instantiates the
// .wasm), KcpSigner.fromPem on KCP's key file, then two signatures.
// contender `node-crypto`: node:crypto's createPrivateKey({ passphrase }) on the same file, then
// two crypto.sign calls. contender `webcrypto`: crypto.subtle.importKey of the same key as
// unencrypted PKCS#8, then two subtle.sign calls.
// Prints one JSON line: wall milliseconds for each step, the same in process CPU time (`cpu`) and the first signature (base64), which the
// parent checks against OpenSSL's. Files are read before any timing.
import fs from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const [contender, entry, keyFile, password, pkcs8File] = process.argv.slice(2);
const PLAINTEXT = 'T0000^21234567890123^STPC';
const pem = fs.readFileSync(keyFile, 'utf8');
const pkcs8 = new Uint8Array(fs.readFileSync(pkcs8File));
const message = new TextEncoder().encode(PLAINTEXT);
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

// Wall time, and the CPU time of the whole process (every thread: V8 compiles wasm and
// optimizes JS on background threads).
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = [performance.now()];
const c = [cpu()];
const mark = () => (t.push(performance.now()), c.push(cpu()));
let signature;
if (contender === 'kcp') {
  const kcp = await import(pathToFileURL(entry).href);
  mark();
  const signer = kcp.KcpSigner.fromPem(pem, password);
  mark();
  signature = signer.sign(PLAINTEXT);
  mark();
  signer.sign(PLAINTEXT);
  mark();
} else if (contender === 'node-crypto') {
  const crypto = await import('node:crypto');
  mark();
  const key = crypto.createPrivateKey({ key: pem, passphrase: password });
  mark();
  signature = crypto.sign('sha256', message, key).toString('base64');
  mark();
  crypto.sign('sha256', message, key);
  mark();
} else if (contender === 'webcrypto') {
  const subtle = globalThis.crypto.subtle;
  mark();
  const key = await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  mark();
  signature = b64(await subtle.sign('RSASSA-PKCS1-v1_5', key, message));
  mark();
  await subtle.sign('RSASSA-PKCS1-v1_5', key, message);
  mark();
} else {
  throw new Error(`unknown contender ${contender}`);
}
const d = (x, i) => x[i + 1] - x[i];
const wall = { import: d(t, 0), load: d(t, 1), sign1: d(t, 2), sign2: d(t, 3) };
const cpuMs = { import: d(c, 0), load: d(c, 1), sign1: d(c, 2), sign2: d(c, 3) };
console.log(JSON.stringify({ ...wall, cpu: cpuMs, signature }));
