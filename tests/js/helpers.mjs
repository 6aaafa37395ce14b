// Shared by the JavaScript and runtime tests: where the fixtures are, and OpenSSL as the oracle.
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(root, 'tests/fixtures');

/** Directory holding KCP's public test pair (site_cd T0000), copied there by the fixture script. */
export const kcpDir = (() => {
  for (const dir of [path.join(fixturesDir, 'kcp'), path.join(root, '../shared/kcp-public-test')]) {
    if (fs.existsSync(path.join(dir, 'splPrikeyPKCS8.pem'))) return dir;
  }
  throw new Error('KCP public test pair not found under tests/fixtures/kcp');
})();

export const KCP = {
  siteCd: 'T0000',
  keyPath: path.join(kcpDir, 'splPrikeyPKCS8.pem'),
  certPath: path.join(kcpDir, 'splCert.pem'),
  password: 'changeit',
  get key() {
    return fs.readFileSync(this.keyPath, 'utf8');
  },
  get cert() {
    return fs.readFileSync(this.certPath, 'utf8');
  },
  /** The `KcpClient` options of KCP's test merchant: site code, certificate, key and password. */
  get options() {
    return { siteCd: this.siteCd, certificate: this.cert, privateKey: this.key, password: this.password };
  },
};

export function manifest() {
  return JSON.parse(fs.readFileSync(path.join(fixturesDir, 'manifest.json'), 'utf8'));
}

export function fixture(rel, encoding = 'utf8') {
  return fs.readFileSync(path.join(fixturesDir, rel), encoding);
}

/** `openssl dgst -sha256 -sign key | base64 -w0`: the exact kcp_sign_data. */
export function opensslSign(keyPath, password, plaintext) {
  const sig = execFileSync('openssl', ['dgst', '-sha256', '-sign', keyPath, '-passin', `pass:${password}`], {
    input: Buffer.from(plaintext, 'utf8'),
  });
  return sig.toString('base64');
}

/** Verifies a kcp_sign_data with OpenSSL against the certificate's public key. */
export function opensslVerify(certPath, plaintext, signatureB64) {
  const tmp = fs.mkdtempSync(path.join(root, 'test-results', 'verify-'));
  try {
    const pub = path.join(tmp, 'pub.pem');
    const sig = path.join(tmp, 'sig.bin');
    fs.writeFileSync(pub, execFileSync('openssl', ['x509', '-in', certPath, '-pubkey', '-noout']));
    fs.writeFileSync(sig, Buffer.from(signatureB64, 'base64'));
    const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig], {
      input: Buffer.from(plaintext, 'utf8'),
    });
    return out.toString().trim() === 'Verified OK';
  } catch {
    return false;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });

/** The members of `export interface name { ... }` in declarations `dts`: { key: optional }. Top level only. */
export function interfaceMembers(dts, name) {
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, '');
  const start = code.search(new RegExp(`^export interface ${name}\\b[^{]*\\{`, 'm'));
  assert.ok(start >= 0, `interface ${name} is declared`);
  let i = code.indexOf('{', start) + 1;
  let depth = 1;
  let body = '';
  while (depth > 0) {
    const ch = code[i++];
    if ('{(['.includes(ch)) depth++;
    else if ('})]'.includes(ch)) depth--;
    else if (depth === 1) body += ch;
  }
  const out = {};
  for (const m of body.matchAll(/^\s*(?:readonly\s+)?(\w+)(\?)?:/gm)) out[m[1]] = m[2] === '?';
  return out;
}

/**
 * Starts the emulator CLI (`kcp-wasm emulator …args`) as a process, as a merchant's CI would, and
 * waits until it says where it listens. `log()` is everything it printed so far; `stop()` sends
 * SIGTERM and resolves to its exit code.
 */
export async function startEmulatorCli(args, { startTimeoutMs = 15_000 } = {}) {
  const { spawn } = await import('node:child_process');
  const emu = spawn(process.execPath, [path.join(root, 'pkg/bin/kcp-wasm.js'), 'emulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  emu.stdout.on('data', (d) => (out += d));
  emu.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => emu.on('exit', (code) => resolve(code)));
  const stop = () => {
    emu.kill('SIGTERM');
    return exited;
  };
  const deadline = Date.now() + startTimeoutMs;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() >= deadline || emu.exitCode !== null) {
      await stop();
      assert.fail(`emulator did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: out.match(/listening on (http:\/\/\S+)/)[1], log: () => out, stop };
}
