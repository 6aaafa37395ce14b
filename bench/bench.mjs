// `make bench`: kcp-wasm's RSA signing side by side with Node's native crypto (OpenSSL),
// WebCrypto, node-forge (pure JS) and the plain `rsa` 0.10 crate compiled to wasm, all in this
// one Node process, interleaved round by round so that machine noise hits every contender alike.
// Then key loading, wasm compile/instantiate, .wasm size, hostile-key refusals and requests per
// cold starts in fresh Node, Deno and Bun processes and fresh workerd isolates (bench/cold.mjs,
// with CPU ms per signed request in workerd). Writes bench/results.{json,md,svg}.
//
//   node bench/bench.mjs [--quick] [--no-workerd] [--compare label=pkgdir]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { runColdBench } from './cold.mjs';
import { writeReports } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const fixtures = path.join(root, 'tests/fixtures');
const require = createRequire(import.meta.url);
const forge = require('node-forge');

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const scale = QUICK ? 0.2 : 1;

const PLAINTEXT = 'T0000^21234567890123^STPC';
const MESSAGE = Buffer.from(PLAINTEXT, 'utf8');

const log = (...a) => console.error('[bench]', ...a);
const ms = (x) => Math.round(x * 1000) / 1000;

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return { n: s.length, median: ms(at(0.5)), p95: ms(at(0.95)), min: ms(s[0]) };
}

// ---------------------------------------------------------------------------------------------
// The contenders.
const kcp = await import(pathToFileURL(path.join(root, 'pkg/src/node.js')).href);
const baselineDir = path.join(here, '.out/baseline');
const baselineGlueUrl = pathToFileURL(path.join(baselineDir, 'rsa_baseline.js')).href;
const baselineWasmPath = path.join(baselineDir, 'rsa_baseline_bg.wasm');
const baseline = await import(baselineGlueUrl);
baseline.initSync({ module: fs.readFileSync(baselineWasmPath) });
const kcpWasmPath = path.join(root, 'pkg/dist/wasm/kcp_wasm_bg.wasm');
// The package's fallback module for engines without WebAssembly SIMD (the default is built with
// simd128), loaded through its own instance of the same glue (the query string makes it new).
const scalarWasmPath = path.join(root, 'pkg/dist/wasm/kcp_wasm_scalar_bg.wasm');
const scalarGlueUrl = `${pathToFileURL(path.join(root, 'pkg/dist/wasm/kcp_wasm.js')).href}?scalar`;
const scalar = await import(scalarGlueUrl);
scalar.initSync({ module: fs.readFileSync(scalarWasmPath) });
const kcpGlueUrl = pathToFileURL(path.join(root, 'pkg/dist/wasm/kcp_wasm.js')).href;

const KEYS = [
  { bits: 2048, label: "RSA-2048 (KCP's test key)", encrypted: 'kcp/splPrikeyPKCS8.pem', password: 'changeit', plain: null, rounds: 120 },
  { bits: 3072, label: 'RSA-3072', encrypted: 'rsa3072/kcp-pkcs12.pem', password: 'changeit', plain: 'rsa3072/pkcs8.pem', rounds: 40 },
  { bits: 4096, label: 'RSA-4096', encrypted: 'rsa4096/kcp-pkcs12.pem', password: 'changeit', plain: 'rsa4096/pkcs8.pem', rounds: 20 },
];

const read = (rel, enc = 'utf8') => fs.readFileSync(path.join(fixtures, rel), enc);

async function contenders(spec) {
  const encryptedPem = read(spec.encrypted);
  const keyObject = crypto.createPrivateKey({ key: encryptedPem, passphrase: spec.password });
  // Node re-exports the decrypted key as unencrypted PKCS#8 for the contenders that cannot read
  // KCP's PKCS#12-PBE form (WebCrypto, node-forge, the baseline crate).
  const pkcs8Pem = spec.plain ? read(spec.plain) : keyObject.export({ type: 'pkcs8', format: 'pem' });
  const pkcs8Der = crypto.createPrivateKey(pkcs8Pem).export({ type: 'pkcs8', format: 'der' });
  const webKey = await crypto.webcrypto.subtle.importKey('pkcs8', pkcs8Der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const forgeKey = forge.pki.privateKeyFromPem(pkcs8Pem);
  const baseKey = baseline.BaselineKey.fromPkcs8Pem(pkcs8Pem);
  const signer = kcp.KcpSigner.fromPem(encryptedPem, spec.password);
  const scalarSigner = scalar.Signer.fromPem(encryptedPem, spec.password);
  return [
    { id: 'node', name: 'Node crypto.sign (OpenSSL)', reps: 6, sign: () => crypto.sign('sha256', MESSAGE, keyObject) },
    { id: 'webcrypto', name: 'WebCrypto subtle.sign', reps: 6, async: true, sign: async () => Buffer.from(await crypto.webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', webKey, MESSAGE)) },
    {
      id: 'forge',
      name: 'node-forge (pure JS)',
      reps: 1,
      sign: () => {
        const md = forge.md.sha256.create();
        md.update(PLAINTEXT, 'utf8');
        return Buffer.from(forgeKey.sign(md), 'binary');
      },
    },
    { id: 'baseline', name: '`rsa` 0.10 in wasm', reps: 1, sign: () => Buffer.from(baseKey.sign(MESSAGE)) },
    { id: 'kcp', name: 'kcp-wasm sign', reps: 3, sign: () => Buffer.from(signer.sign(PLAINTEXT), 'base64') },
    { id: 'kcp-scalar', name: 'kcp-wasm sign, scalar fallback build (no SIMD)', reps: 3, sign: () => Buffer.from(scalarSigner.sign(PLAINTEXT), 'base64') },
  ];
}

async function benchSigning() {
  const out = [];
  for (const spec of KEYS) {
    const cs = await contenders(spec);
    const expected = cs[0].sign();
    for (const c of cs) {
      const got = c.async ? await c.sign() : c.sign();
      if (!got.equals(expected)) throw new Error(`${c.name} (${spec.bits}) disagrees with OpenSSL's signature`);
    }
    const samples = Object.fromEntries(cs.map((c) => [c.id, []]));
    const rounds = Math.max(5, Math.round(spec.rounds * scale));
    const warmup = Math.max(2, Math.round(rounds / 10));
    log(`signing ${spec.label}: ${rounds} interleaved rounds`);
    for (let r = 0; r < warmup + rounds; r++) {
      // Rotate the order so that no contender always runs right after the same neighbour.
      for (let k = 0; k < cs.length; k++) {
        const c = cs[(r + k) % cs.length];
        for (let i = 0; i < c.reps; i++) {
          const t0 = performance.now();
          if (c.async) await c.sign();
          else c.sign();
          const dt = performance.now() - t0;
          if (r >= warmup) samples[c.id].push(dt);
        }
      }
    }
    const rows = cs.map((c) => ({ id: c.id, name: c.name, ...stats(samples[c.id]) }));
    const native = rows[0].median;
    for (const row of rows) row.ratio = Math.round((row.median / native) * 100) / 100;
    out.push({ bits: spec.bits, label: spec.label, rows });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Before timing anything: random messages on every fixture size and on fresh keys from Node,
// signed in wasm by both of the package's modules (simd128 and scalar), must be OpenSSL's
// signatures exactly.
function differentialCheck() {
  const n = Math.max(4, Math.round(20 * scale));
  const keys = KEYS.map((k) => ({ label: `${k.bits}`, pem: read(k.encrypted), password: k.password }));
  for (const bits of [2048, 2048, 3072]) {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
    keys.push({ label: `fresh ${bits}`, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }), password: '' });
  }
  let checked = 0;
  for (const k of keys) {
    const keyObject = crypto.createPrivateKey({ key: k.pem, passphrase: k.password || undefined });
    const builds = [['simd128', kcp.KcpSigner.fromPem(k.pem, k.password)], ['scalar', scalar.Signer.fromPem(k.pem, k.password)]];
    for (let i = 0; i < n; i++) {
      const text = crypto.randomBytes(1 + (i * 37) % 200).toString('base64');
      const expected = crypto.sign('sha256', Buffer.from(text, 'utf8'), keyObject).toString('base64');
      for (const [name, s] of builds) {
        if (s.sign(text) !== expected) throw new Error(`${name} build, ${k.label}-bit key: signature differs from OpenSSL's`);
        checked++;
      }
    }
    for (const [, s] of builds) s.free();
  }
  return { keys: keys.length, signatures: checked };
}

// ---------------------------------------------------------------------------------------------
// Key loading: decrypt + parse, in wasm vs Node's createPrivateKey with a passphrase.
function benchKeyLoading() {
  const files = [
    { id: 'pkcs12', label: "KCP's key file (PKCS#12 PBE, SHA-1 + 3DES, 2048 iterations)", file: 'kcp/splPrikeyPKCS8.pem', password: 'changeit' },
    { id: 'pbes2', label: 'PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)', file: 'rsa2048/pbes2-hmacSHA256-aes-256-cbc.pem', password: 'changeit' },
  ];
  const rounds = Math.max(8, Math.round(60 * scale));
  const out = [];
  for (const f of files) {
    const pem = read(f.file);
    const node = [];
    const wasm = [];
    for (let r = 0; r < rounds + 3; r++) {
      let t0 = performance.now();
      crypto.createPrivateKey({ key: pem, passphrase: f.password });
      const a = performance.now() - t0;
      t0 = performance.now();
      const s = kcp.KcpSigner.fromPem(pem, f.password);
      const b = performance.now() - t0;
      s.free();
      if (r >= 3) {
        node.push(a);
        wasm.push(b);
      }
    }
    const n = stats(node);
    const w = stats(wasm);
    out.push({ id: f.id, label: f.label, node: n, kcp: w, ratio: Math.round((w.median / n.median) * 100) / 100 });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compile + instantiate. V8 caches compiled modules by their bytes within a process, so every
// sample compiles a copy made unique by an extra custom section; every instantiation uses a
// fresh copy of the wasm-bindgen glue (a new module URL).
function uniqueCopy(bytes, i) {
  const name = Buffer.from(`bench-${i}-${Math.random()}`);
  const payload = Buffer.concat([Buffer.from([name.length]), name]);
  return Buffer.concat([bytes, Buffer.from([0, payload.length]), payload]);
}

async function benchStartup() {
  const rounds = Math.max(4, Math.round(12 * scale));
  const out = {};
  const pem = read('kcp/splPrikeyPKCS8.pem');
  const builds = [
    ['kcp', kcpWasmPath, kcpGlueUrl],
    ['baseline', baselineWasmPath, baselineGlueUrl],
  ];
  builds.splice(1, 0, ['kcp-scalar', scalarWasmPath, kcpGlueUrl]); // one glue serves both modules
  for (const [id, wasmPath, glueUrl] of builds) {
    const bytes = fs.readFileSync(wasmPath);
    const compile = [];
    const instantiate = [];
    const firstLoad = [];
    const firstSign = [];
    const secondSign = [];
    for (let i = 0; i < rounds; i++) {
      const copy = uniqueCopy(bytes, i);
      let t0 = performance.now();
      const module = new WebAssembly.Module(copy);
      compile.push(performance.now() - t0);
      const glue = await import(`${glueUrl}?fresh=${id}-${i}`);
      t0 = performance.now();
      glue.initSync({ module });
      instantiate.push(performance.now() - t0);
      if (id !== 'baseline') {
        // What a Worker's first request pays after instantiation: the first key load, then the
        // first and second signatures (V8 compiles wasm functions lazily, first with its
        // baseline compiler; the optimizing tier catches up after a few calls).
        t0 = performance.now();
        const s = glue.Signer.fromPem(pem, 'changeit');
        const t1 = performance.now();
        s.sign(PLAINTEXT);
        const t2 = performance.now();
        s.sign(PLAINTEXT);
        const t3 = performance.now();
        firstLoad.push(t1 - t0);
        firstSign.push(t2 - t1);
        secondSign.push(t3 - t2);
        s.free();
      }
    }
    const gz = zlib.gzipSync(bytes, { level: 9 }).length;
    out[id] = { compile: stats(compile), instantiate: stats(instantiate), firstLoad: firstLoad.length ? stats(firstLoad) : null, firstSign: firstSign.length ? stats(firstSign) : null, secondSign: secondSign.length ? stats(secondSign) : null, raw: bytes.length, gzip: gz };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hostile keys: how long a refusal takes, and that it carries the manifest's code.
function benchHostile() {
  const manifest = JSON.parse(read('manifest.json'));
  const out = [];
  const rounds = Math.max(3, Math.round(9 * scale));
  for (const h of manifest.hostile) {
    const bytes = fs.readFileSync(path.join(fixtures, h.file));
    const input = h.file.endsWith('.der') ? new Uint8Array(bytes) : bytes.toString('utf8');
    const times = [];
    let code = null;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      try {
        kcp.KcpSigner.fromPem(input, h.password).free();
        code = 'ACCEPTED';
      } catch (e) {
        code = e.code;
      }
      times.push(performance.now() - t0);
    }
    const ok = code === h.code || (h.also_accepted ?? []).includes(code);
    out.push({ file: h.file, expected: h.code, code, ok, ...stats(times) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// OpenSSL signs RSA-2048 with AVX-512 IFMA code (rsaz_2k_avx512) on CPUs that have it, which
// wasm cannot reach. For scale, the same crypto.sign with that code path hidden from OpenSSL:
// a child process (the capability mask is read at start-up), run right after the main rounds.
function benchNativeGeneric(signing) {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  if (!/\bavx512ifma\b/.test(cpuinfo)) return null;
  const mask = ':~0x200000'; // CPUID.(EAX=7):EBX bit 21, AVX512IFMA
  const child = spawnSync(process.execPath, [path.join(here, 'native-generic.mjs'), fixtures, String(scale)], {
    env: { ...process.env, OPENSSL_ia32cap: mask },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`native-generic.mjs failed: ${child.stderr}`);
  const medians = JSON.parse(child.stdout);
  for (const s of signing) {
    const g = medians[s.bits];
    const kcpRow = s.rows.find((r) => r.id === 'kcp');
    if (g && kcpRow) s.nativeGeneric = { ...g, mask, kcpRatio: Math.round((kcpRow.median / g.median) * 100) / 100 };
  }
  return mask;
}

// ---------------------------------------------------------------------------------------------
const started = new Date();
log(`node ${process.version}, ${QUICK ? 'quick' : 'full'} run`);
const differential = differentialCheck();
log(`differential check: ${differential.signatures} signatures on ${differential.keys} keys equal OpenSSL's`);
const signing = await benchSigning();
log('Node crypto.sign without AVX-512 IFMA (child process)');
benchNativeGeneric(signing);
log('key loading');
const keyLoading = benchKeyLoading();
log('compile + instantiate');
const startup = await benchStartup();
log('hostile keys');
const hostile = benchHostile();
log('cold starts');
const argv = process.argv.slice(2);
const compare = argv.flatMap((a, i) => (a === '--compare' ? [argv[i + 1]] : [])).map((spec) => {
  const [label, dir] = spec.split('=');
  return { id: `kcp-${label}`, label: `kcp-wasm (${label})`, dir: path.resolve(dir) };
});
const cold = await runColdBench({ quick: QUICK, workerd: !args.has('--no-workerd'), compare });
const results = {
  date: started.toISOString(),
  node: process.version,
  v8: process.versions.v8,
  openssl: process.versions.openssl,
  cpu: (await import('node:os')).cpus()[0]?.model ?? 'unknown',
  cores: (await import('node:os')).cpus().length,
  quick: QUICK,
  differential,
  signing,
  keyLoading,
  startup,
  hostile,
  cold,
};
writeReports(here, results);
for (const s of signing) {
  log(`${s.label}: ` + s.rows.map((r) => `${r.id} ${r.median} ms (${r.ratio}x)`).join(', '));
}
log('wrote bench/results.json, bench/results.md, bench/results.svg');
