// Cold start, for `make bench` (bench/bench.mjs) or on its own:
//   node bench/cold.mjs [--quick] [--no-workerd] [--rounds N] [--runtimes node,deno,bun]
//                       [--compare label=pkgdir]…
// 1. Fresh processes of Node, Deno and Bun (from npm): each sample is a new process
//    (bench/cold/child.mjs) that imports kcp-wasm's entry for that runtime, loads KCP's key file
//    and signs twice; side by side, in the same kind of fresh process, Node's crypto
//    (createPrivateKey with the passphrase + crypto.sign) and WebCrypto (importKey of the same key
//    as unencrypted PKCS#8 + subtle.sign). Interleaved: every round runs every contender once, in
//    a rotated order.
// 2. Fresh workerd isolates: each sample is a new `workerd serve` with one Worker (kcp-wasm, the
//    WebCrypto reference, or an empty Worker); the CPU time workerd's threads spend
//    (/proc/<pid>/task/*/schedstat, in ns) is read around each request: start-up, the first
//    request, the first key load (new KcpClient / importKey), the first and second signed
//    request, then the CPU ms per signed request once warm.
// `--compare label=dir` adds another build of the package (a directory like pkg/, with src/ and
// dist/) as one more contender, e.g. main's build for a before/after in one run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundleWorker, freePort, workerdConfig } from '../tests/support/workerd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);
const KEY = path.join(root, 'tests/fixtures/kcp/splPrikeyPKCS8.pem');
const CERT = path.join(root, 'tests/fixtures/kcp/splCert.pem');
const PASSWORD = 'changeit';
const PLAINTEXT = 'T0000^21234567890123^STPC';
const log = (...a) => console.error('[bench:cold]', ...a);
const r3 = (x) => Math.round(x * 1000) / 1000;

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return r3(s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2);
}

const bin = (name) => path.join(root, 'node_modules/.bin', name);
const RUNTIMES = [
  { id: 'node', label: `Node ${process.version}`, cmd: process.execPath, pre: [], entry: ['dist/node.mjs', 'src/node.js'] },
  { id: 'deno', label: 'Deno', cmd: bin('deno'), pre: ['run', '--quiet', '--allow-read', '--allow-env'], entry: ['src/deno.js'] },
  { id: 'bun', label: 'Bun', cmd: bin('bun'), pre: ['run'], entry: ['dist/bun.mjs', 'src/bun.js'] },
];
for (const rt of RUNTIMES.slice(1)) {
  const v = spawnSync(rt.cmd, ['--version'], { encoding: 'utf8' });
  rt.label = `${rt.label} ${(v.stdout || '').split('\n')[0].replace(/^deno /, '').replace(/ \(.*/, '').trim()}`;
}

// The package's entry for a runtime: the first of `files` the build has (`package.json` maps
// Node and Bun to the bundled dist/*.mjs; a build from before that has only src/).
const entryIn = (dir, files) => path.join(dir, files.find((f) => fs.existsSync(path.join(dir, f))) ?? files.at(-1));

function prepare(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const der = crypto.createPrivateKey({ key: fs.readFileSync(KEY, 'utf8'), passphrase: PASSWORD }).export({ type: 'pkcs8', format: 'der' });
  const pkcs8File = path.join(outDir, 'key.pkcs8.der');
  fs.writeFileSync(pkcs8File, der);
  const expected = crypto.sign('sha256', Buffer.from(PLAINTEXT), crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).toString('base64');
  return { pkcs8File, der, expected };
}

// ---------------------------------------------------------------------------------------------
// Fresh processes.
async function runProcesses({ builds, rounds, prep, runtimes }) {
  const child = path.join(here, 'cold/child.mjs');
  const out = [];
  const RTS = RUNTIMES.filter((rt) => !runtimes || runtimes.includes(rt.id));
  for (const rt of RTS) {
    const contenders = [
      ...builds.map((b) => ({ id: b.id, label: b.label, kind: 'kcp', entry: entryIn(b.dir, rt.entry) })),
      { id: 'node-crypto', label: 'node:crypto createPrivateKey + sign', kind: 'node-crypto', entry: '-' },
      { id: 'webcrypto', label: 'WebCrypto importKey (PKCS#8) + sign', kind: 'webcrypto', entry: '-' },
    ];
    for (const c of contenders) c.samples = [];
    out.push({ runtime: rt.id, label: rt.label, contenders });
  }
  for (let r = 0; r < rounds; r++) {
    for (const [ri, rt] of RTS.entries()) {
      const cs = out[ri].contenders;
      for (let k = 0; k < cs.length; k++) {
        const c = cs[(r + k) % cs.length];
        if (c.error) continue;
        const t0 = performance.now();
        const res = spawnSync(rt.cmd, [...rt.pre, child, c.kind, c.entry, KEY, PASSWORD, prep.pkcs8File], { encoding: 'utf8', cwd: root });
        const wall = performance.now() - t0;
        if (res.status !== 0) {
          c.error = (res.stderr || res.stdout || `exit ${res.status}`).trim().split('\n').find((l) => /error/i.test(l)) ?? `exit ${res.status}`;
          log(`${rt.id} ${c.id}: ${c.error}`);
          continue;
        }
        const m = JSON.parse(res.stdout.trim().split('\n').pop());
        if (m.signature !== prep.expected) throw new Error(`${rt.id} ${c.id}: the first signature is not OpenSSL's`);
        const { cpu, ...w } = m;
        c.samples.push({ ...w, first: m.import + m.load + m.sign1, wall, cpuImport: cpu.import, cpuLoad: cpu.load, cpuSign1: cpu.sign1, cpuSign2: cpu.sign2, cpuFirst: cpu.import + cpu.load + cpu.sign1 });
      }
    }
    log(`fresh processes: round ${r + 1}/${rounds}`);
  }
  for (const rt of out) {
    for (const c of rt.contenders) {
      const pick = (k) => median(c.samples.map((s) => s[k]));
      c.n = c.samples.length;
      const ks = ['import', 'load', 'sign1', 'sign2', 'first', 'wall', 'cpuImport', 'cpuLoad', 'cpuSign1', 'cpuSign2', 'cpuFirst'];
      c.median = c.n ? Object.fromEntries(ks.map((k) => [k, pick(k)])) : null;
      delete c.samples;
      delete c.entry;
    }
    const native = rt.contenders.find((c) => c.id === 'node-crypto' && c.median) ?? null;
    const web = rt.contenders.find((c) => c.id === 'webcrypto' && c.median) ?? null;
    for (const c of rt.contenders) {
      if (!c.median) continue;
      const ratio = (a, b) => Math.round((a / b) * 100) / 100;
      if (native) c.vsNodeCrypto = ratio(c.median.first, native.median.first);
      if (native) c.cpuVsNodeCrypto = ratio(c.median.cpuFirst, native.median.cpuFirst);
      if (web) c.vsWebCrypto = ratio(c.median.first, web.median.first);
      if (web) c.cpuVsWebCrypto = ratio(c.median.cpuFirst, web.median.cpuFirst);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fresh workerd isolates.
function workerdBinary() {
  try {
    return require.resolve('@cloudflare/workerd-linux-64/bin/workerd');
  } catch {
    return bin('workerd');
  }
}

/** The Worker bundled as wrangler would (tests/support/workerd.mjs), against another build's
 * package when `pkgDir` is given; its workerd modules. */
async function bundle(entry, outDir, pkgDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const alias = pkgDir ? { 'kcp-wasm': path.join(pkgDir, 'src/workerd.js') } : undefined;
  return bundleWorker({ entry, outDir, alias });
}

function cpuNs(pid) {
  let total = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}

async function get(url) {
  const res = await fetch(url, { headers: { connection: 'close' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text}`);
  return text;
}

async function oneWorkerd(w, warmRequests) {
  const port = await freePort();
  fs.writeFileSync(path.join(w.dir, 'config.capnp'), w.config(port));
  const t0 = performance.now();
  const proc = spawn(workerdBinary(), ['serve', 'config.capnp'], { cwd: w.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  proc.stderr.on('data', (d) => (logs += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    // Start-up: until the socket accepts (a connection attempt every 10 ms).
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`workerd exited: ${logs}`);
      const ok = await new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => (s.destroy(), resolve(true)));
        s.on('error', () => resolve(false));
      });
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`workerd did not start: ${logs}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const m = { startup: cpuNs(proc.pid) / 1e6, startupWall: performance.now() - t0 };
    const step = async (name, p) => {
      const c0 = cpuNs(proc.pid);
      const t = performance.now();
      const body = await get(base + p);
      m[`${name}Wall`] = performance.now() - t;
      m[name] = (cpuNs(proc.pid) - c0) / 1e6;
      return body;
    };
    await step('ping', '/ping');
    if (w.kind === 'noop') {
      await step('load', '/ping');
      await step('sign1', '/ping');
      await step('sign2', '/ping');
    } else {
      await step('load', '/load');
      const body = JSON.parse(await step('sign1', '/sign'));
      if (body.kcp_sign_data !== w.expected) throw new Error(`${w.id}: the signature is not OpenSSL's`);
      await step('sign2', '/sign');
    }
    const c0 = cpuNs(proc.pid);
    for (let i = 0; i < warmRequests; i++) await get(base + (w.kind === 'noop' ? '/ping' : '/sign'));
    m.warm = (cpuNs(proc.pid) - c0) / 1e6 / warmRequests;
    return m;
  } finally {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
  }
}

async function runWorkerd({ builds, rounds, prep, outDir, warmRequests }) {
  const keyPem = fs.readFileSync(KEY, 'utf8');
  const certPem = fs.readFileSync(CERT, 'utf8');
  const workers = [];
  const add = async (id, label, kind, entry, pkgDir) => {
    const dir = path.join(outDir, id);
    fs.rmSync(dir, { recursive: true, force: true });
    const modules = await bundle(entry, dir, pkgDir);
    fs.writeFileSync(path.join(dir, 'key.pem'), keyPem);
    fs.writeFileSync(path.join(dir, 'cert.pem'), certPem);
    fs.writeFileSync(path.join(dir, 'pkcs8.b64'), prep.der.toString('base64'));
    const bindings = [['KCP_CERT', 'cert.pem'], ['KCP_KEY', 'key.pem'], ['KCP_KEY_PASSWORD', { text: PASSWORD }], ['KCP_PKCS8', 'pkcs8.b64']];
    const config = (port) => workerdConfig({ port, modules, bindings });
    workers.push({ id, label, kind, dir, config, expected: prep.expected, samples: [] });
  };
  await add('noop', 'empty Worker', 'noop', path.join(here, 'cold/noop-worker.js'));
  for (const b of builds) await add(b.id, b.label, 'kcp', path.join(here, 'cold/kcp-worker.js'), b.dir);
  await add('webcrypto', 'WebCrypto Worker (importKey PKCS#8 + sign)', 'webcrypto', path.join(here, 'cold/webcrypto-worker.js'));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < workers.length; k++) {
      const w = workers[(r + k) % workers.length];
      w.samples.push(await oneWorkerd(w, warmRequests));
    }
    log(`workerd: round ${r + 1}/${rounds}`);
  }
  const noop = workers[0];
  const keys = ['startup', 'startupWall', 'ping', 'pingWall', 'load', 'loadWall', 'sign1', 'sign1Wall', 'sign2', 'sign2Wall', 'warm'];
  const out = workers.map((w) => {
    const med = Object.fromEntries(keys.map((k) => [k, median(w.samples.map((s) => s[k]))]));
    // The first signed request of a fresh isolate, as a Worker that builds its client at its
    // first request pays it: start-up over the empty Worker's, then key load + first signature
    // + the request itself.
    const extra = w.samples.map((s, i) => s.startup - noop.samples[i].startup + s.ping + s.load + s.sign1);
    return { id: w.id, label: w.label, kind: w.kind, n: w.samples.length, median: med, coldFirst: w.kind === 'noop' ? null : median(extra) };
  });
  const web = out.find((w) => w.id === 'webcrypto');
  for (const w of out) if (w.coldFirst && web.coldFirst) w.vsWebCrypto = Math.round((w.coldFirst / web.coldFirst) * 100) / 100;
  for (const w of out) if (w.median.warm && web.median.warm) w.warmVsWebCrypto = Math.round((w.median.warm / web.median.warm) * 100) / 100;
  return {
    workerd: JSON.parse(fs.readFileSync(path.join(root, 'node_modules/workerd/package.json'), 'utf8')).version,
    warmRequests,
    workers: out,
  };
}

export async function runColdBench({ quick = false, workerd = true, compare = [], runtimes = null, rounds: asked = null } = {}) {
  const outDir = path.join(root, 'test-results/bench-cold');
  fs.rmSync(outDir, { recursive: true, force: true });
  const prep = prepare(outDir);
  const builds = [{ id: 'kcp', label: 'kcp-wasm', dir: path.join(root, 'pkg') }, ...compare];
  const rounds = asked ?? (quick ? 3 : 9);
  log(`fresh processes: ${rounds} rounds`);
  const processes = await runProcesses({ builds, rounds, prep, runtimes });
  let isolates = null;
  if (workerd) {
    log(`fresh workerd isolates: ${rounds} rounds`);
    isolates = await runWorkerd({ builds, rounds, prep, outDir: path.join(outDir, 'workerd'), warmRequests: quick ? 20 : 60 });
  }
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return { rounds, loadavg: load, cores: (await import('node:os')).cpus().length, processes, workerd: isolates };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const compare = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--compare') {
      const [label, dir] = argv[++i].split('=');
      compare.push({ id: `kcp-${label}`, label: `kcp-wasm (${label})`, dir: path.resolve(dir) });
    }
  }
  const loadBefore = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
  const res = await runColdBench({
    quick: argv.includes('--quick'),
    workerd: !argv.includes('--no-workerd'),
    compare,
    runtimes: opt('--runtimes')?.split(','),
    rounds: opt('--rounds') ? Number(opt('--rounds')) : null,
  });
  res.loadavgBefore = loadBefore;
  console.log(JSON.stringify(res, null, 2));
}
