// Where a cold start's time goes in V8 (issue 12): the kcp-wasm cold start of bench/cold/child.mjs
// in fresh Node processes under V8 flags that change how wasm is compiled, interleaved, medians.
//   node bench/cold-v8.mjs [rounds] [pkgdir]
// Default: Liftoff (baseline) first, lazily per function, TurboFan for hot functions.
// --no-wasm-lazy-compilation: every function compiled at instantiation.
// --no-liftoff: TurboFan only (lazily). --liftoff-only: never TurboFan.
// --no-wasm-dynamic-tiering: tier up every function in the background right after Liftoff.
// Also one run with --trace-wasm-compilation-times (functions compiled, by tier), and one with
// --cpu-prof into test-results/bench-cold/v8/ (open in Chrome DevTools).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const rounds = Number(process.argv[2] ?? 7);
const pkg = path.resolve(process.argv[3] ?? path.join(root, 'pkg'));
const out = path.join(root, 'test-results/bench-cold/v8');
fs.mkdirSync(out, { recursive: true });
const KEY = path.join(root, 'tests/fixtures/kcp/splPrikeyPKCS8.pem');
const pkcs8 = path.join(out, 'key.pkcs8.der');
fs.writeFileSync(pkcs8, crypto.createPrivateKey({ key: fs.readFileSync(KEY, 'utf8'), passphrase: 'changeit' }).export({ type: 'pkcs8', format: 'der' }));
const child = path.join(here, 'cold/child.mjs');
// What `import 'kcp-wasm'` loads on Node (the bundled ESM entry; src/ for a build from before it).
const entry = ['dist/node.mjs', 'src/node.js'].map((f) => path.join(pkg, f)).find((f) => fs.existsSync(f));
const run = (flags, extra = {}) => {
  const r = spawnSync(process.execPath, [...flags, child, 'kcp', entry, KEY, 'changeit', pkcs8], { encoding: 'utf8', cwd: out, ...extra });
  if (r.status !== 0) throw new Error(r.stderr);
  return r;
};
const last = (s) => JSON.parse(s.trim().split('\n').pop());

const variants = [[], ['--no-wasm-lazy-compilation'], ['--no-liftoff'], ['--liftoff-only'], ['--no-wasm-dynamic-tiering']];
const samples = variants.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < variants.length; k++) {
    const i = (r + k) % variants.length;
    samples[i].push(last(run(variants[i]).stdout));
  }
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[s.length >> 1] * 100) / 100;
};
const rows = variants.map((v, i) => {
  const s = samples[i];
  const pick = (f) => med(s.map(f));
  return {
    flags: v.join(' ') || '(default)',
    import: pick((x) => x.import),
    load: pick((x) => x.load),
    sign1: pick((x) => x.sign1),
    sign2: pick((x) => x.sign2),
    first: pick((x) => x.import + x.load + x.sign1),
    cpuFirst: pick((x) => x.cpu.import + x.cpu.load + x.cpu.sign1),
  };
});
console.table(rows);

// Which functions V8 compiles on the way (--trace-wasm-compilation-times): how many, how many
// bytes of function bodies, by which tier, and the TurboFan compile time (background threads).
const lines = run(['--trace-wasm-compilation-times']).stdout.split('\n');
for (const tier of ['Liftoff', 'TurboFan']) {
  const hits = lines.filter((l) => l.includes(`using ${tier},`));
  const body = hits.reduce((a, l) => a + Number(/bodysize (\d+)/.exec(l)?.[1] ?? 0), 0);
  const took = hits.reduce((a, l) => a + Number(/took (\d+) ms/.exec(l)?.[1] ?? 0), 0);
  console.log(`${tier}: ${hits.length} functions, ${body} bytes of bodies, ${took} ms reported`);
}
run(['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=100']);
console.log(`CPU profile: ${out}/*.cpuprofile`);
