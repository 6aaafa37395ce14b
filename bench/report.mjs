// Turns bench.mjs's measurements into bench/results.json, results.md (tables) and results.svg
// (a hand-drawn bar chart). When bench/results-before.json exists (the run made before
// src/rsa_fast replaced the `rsa` crate's private-key operation) its kcp-wasm figures are shown
// beside today's.
import fs from 'node:fs';
import path from 'node:path';

const TARGETS = {
  signVsNative: 5,
  signVsForge: 10,
  loadVsNode: 2,
  gzipKB: 120,
  workerdRatio: 0.5,
};

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mark = (ok) => (ok ? '✅' : '❌');

// Cold-start columns; the run before src/rsa_fast timed first key load + first sign together.
function cold(s) {
  if (s.firstLoad) return `${f(s.firstLoad.median)} ms | ${f(s.firstSign.median)} ms | ${f(s.secondSign.median)} ms`;
  if (s.firstSign) return `${f(s.firstSign.median)} ms (load + sign together) | | `;
  return '— | — | —';
}

function markdown(r, before) {
  const L = [];
  L.push('# kcp-wasm benchmark');
  L.push('');
  L.push(`Made by \`make bench\` (\`bench/bench.mjs\`) on ${r.date.slice(0, 16).replace('T', ' ')} UTC: Node ${r.node} (V8 ${r.v8}, OpenSSL ${r.openssl}), ${r.cores} × ${r.cpu}${r.quick ? ' — **quick run, few samples**' : ''}.`);
  L.push('All signing contenders run in one Node process, interleaved round by round, on the same message');
  L.push('(`T0000^21234567890123^STPC`, RSASSA-PKCS1-v1_5 with SHA-256); every one produces OpenSSL\'s exact signature.');
  if (r.differential) L.push(`Before timing, ${r.differential.signatures} signatures of random messages on ${r.differential.keys} keys (the fixtures and fresh keys from Node) were checked byte for byte against OpenSSL's, for each wasm build.`);
  L.push('Times in milliseconds; the ratio is the median over Node `crypto.sign`\'s median. The machine has 2 cores shared with other work: compare within one run.');
  L.push('');
  L.push('## Signing');
  for (const s of r.signing) {
    L.push('');
    L.push(`### ${s.label}`);
    L.push('');
    const b = before?.signing?.find((x) => x.bits === s.bits)?.rows.find((x) => x.id === 'kcp');
    L.push('| contender | median | p95 | × native | samples |');
    L.push('|---|---:|---:|---:|---:|');
    for (const row of s.rows) {
      L.push(`| ${row.id.startsWith('kcp') ? '**' + row.name + '**' : row.name} | ${f(row.median)} | ${f(row.p95)} | ${row.ratio} | ${row.n} |`);
    }
    if (b) L.push(`| kcp-wasm sign before \`src/rsa_fast\` (${before.date.slice(0, 10)}) | ${f(b.median)} | ${f(b.p95)} | ${b.ratio} | ${b.n} |`);
    const g = s.nativeGeneric;
    if (g) {
      L.push('');
      L.push(`Node \`crypto.sign\` with OpenSSL's AVX-512 IFMA code hidden (\`OPENSSL_ia32cap=${g.mask}\`, a separate process run right after): ${f(g.median)} ms (p95 ${f(g.p95)}, ${g.n} samples); kcp-wasm's median is **${g.kcpRatio}×** that.`);
    }
  }
  L.push('');
  L.push('## Loading a key (decrypt + parse, RSA-2048)');
  L.push('');
  L.push('| key file | Node `createPrivateKey({ passphrase })` | kcp-wasm `KcpSigner.fromPem` | × Node |');
  L.push('|---|---:|---:|---:|');
  for (const k of r.keyLoading) L.push(`| ${k.label} | ${f(k.node.median)} (p95 ${f(k.node.p95)}) | ${f(k.kcp.median)} (p95 ${f(k.kcp.p95)}) | ${k.ratio} |`);
  L.push('');
  L.push('## The .wasm: size, compile and instantiate');
  L.push('');
  L.push('| module | raw | gzip -9 | compile | instantiate | then: first key load | first sign | second sign |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [id, name] of [
    ['kcp', 'kcp-wasm (`pkg/dist/wasm/kcp_wasm_bg.wasm`, simd128)'],
    ['kcp-scalar', 'kcp-wasm fallback without SIMD (`kcp_wasm_scalar_bg.wasm`)'],
    ['baseline', '`rsa` 0.10 baseline (signing only)'],
  ]) {
    const s = r.startup[id];
    if (!s) continue;
    L.push(`| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${f(s.compile.median)} ms | ${f(s.instantiate.median)} ms | ${cold(s)} |`);
  }
  if (before?.startup?.kcp) {
    const s = before.startup.kcp;
    L.push(`| kcp-wasm before \`src/rsa_fast\` | ${kb(s.raw)} | ${kb(s.gzip)} | ${f(s.compile.median)} ms | ${f(s.instantiate.median)} ms | ${cold(s)} |`);
  }
  L.push('');
  L.push('## Hostile keys: time to refuse (`tests/fixtures/hostile/`, codes from `manifest.json`)');
  L.push('');
  L.push('| file | expected code | got | median ms | max of runs ms |');
  L.push('|---|---|---|---:|---:|');
  for (const h of r.hostile) L.push(`| \`${h.file}\` | ${h.expected} | ${h.ok ? h.code : '**' + h.code + '**'} | ${f(h.median)} | ${f(h.p95)} |`);
  if (r.workerd) {
    const w = r.workerd;
    L.push('');
    L.push(`## workerd ${w.workerd}: signed refunds per second`);
    L.push('');
    L.push(`One \`workerd serve\` on 127.0.0.1, ${w.connections} keep-alive connections from this Node process, ${w.seconds} s per Worker (alternating phases, after a warm-up). The key is decrypted at the first request and kept by the isolate.`);
    L.push('');
    L.push('| Worker | requests/s | median latency (ms) | requests |');
    L.push('|---|---:|---:|---:|');
    L.push(`| same Worker, no signature | ${w.nosign.rps} | ${w.nosign.latencyMedian} | ${w.nosign.requests} |`);
    L.push(`| signed refund (\`prepareRefund\`) | ${w.sign.rps} | ${w.sign.latencyMedian} | ${w.sign.requests} |`);
    if (before?.workerd) L.push(`| signed refund, before \`src/rsa_fast\` | ${before.workerd.sign.rps} | ${before.workerd.sign.latencyMedian} | ${before.workerd.sign.requests} |`);
    L.push('');
    L.push(`Signing Worker / no-signing Worker: **${Math.round(w.ratio * 100)} %**.`);
  }
  // Issue 6's targets.
  const s2048 = r.signing.find((s) => s.bits === 2048);
  const get = (id) => s2048.rows.find((x) => x.id === id);
  const kcp = get('kcp');
  const vsForge = get('forge').median / kcp.median;
  const pk = r.keyLoading.find((k) => k.id === 'pkcs12');
  L.push('');
  L.push('## Targets (issue 6)');
  L.push('');
  L.push('| target | measured | met |');
  L.push('|---|---|:-:|');
  L.push(`| RSA-2048 sign median ≤ ${TARGETS.signVsNative}× Node \`crypto.sign\` | ${kcp.ratio}× (${f(kcp.median)} vs ${f(get('node').median)} ms) | ${mark(kcp.ratio <= TARGETS.signVsNative)} |`);
  const scalarRow = get('kcp-scalar');
  if (scalarRow) L.push(`| (same, scalar fallback module) | ${scalarRow.ratio}× (${f(scalarRow.median)} ms) | ${mark(scalarRow.ratio <= TARGETS.signVsNative)} |`);
  if (s2048.nativeGeneric) L.push(`| (for scale: vs OpenSSL without its AVX-512 IFMA path) | ${s2048.nativeGeneric.kcpRatio}× (vs ${f(s2048.nativeGeneric.median)} ms) | — |`);
  L.push(`| ≥ ${TARGETS.signVsForge}× faster than node-forge | ${vsForge.toFixed(1)}× | ${mark(vsForge >= TARGETS.signVsForge)} |`);
  L.push(`| KCP-format key load ≤ ${TARGETS.loadVsNode}× Node \`createPrivateKey\` | ${pk.ratio}× | ${mark(pk.ratio <= TARGETS.loadVsNode)} |`);
  L.push(`| .wasm ≤ ${TARGETS.gzipKB} KB gzipped | ${kb(r.startup.kcp.gzip)} | ${mark(r.startup.kcp.gzip <= TARGETS.gzipKB * 1024)} |`);
  if (r.workerd) L.push(`| workerd signing ≥ ${TARGETS.workerdRatio * 100} % of no-signing RPS | ${Math.round(r.workerd.ratio * 100)} % | ${mark(r.workerd.ratio >= TARGETS.workerdRatio)} |`);
  L.push('');
  L.push('![RSA signing, median milliseconds (log scale)](results.svg)');
  L.push('');
  return L.join('\n');
}

const COLORS = { node: '#4c78a8', webcrypto: '#72b7b2', forge: '#e45756', baseline: '#b279a2', kcp: '#54a24b', 'kcp-scalar': '#2f7d32', before: '#9d9d9d' };

function svg(r, before) {
  // Horizontal bars per key size, log-scale x axis (node-forge is 100× OpenSSL).
  const groups = r.signing;
  const ids = groups[0].rows.map((x) => x.id);
  const names = Object.fromEntries(groups[0].rows.map((x) => [x.id, x.name]));
  const series = [...ids];
  const hasBefore = before?.signing?.length;
  if (hasBefore) {
    series.push('before');
    names.before = 'kcp-wasm sign before src/rsa_fast';
  }
  const bar = 14;
  const gap = 4;
  const groupGap = 22;
  const left = 250;
  const width = 820;
  const plotW = width - left - 70;
  const top = 48;
  const all = groups.flatMap((g) => g.rows.map((x) => x.median));
  const lo = 0.1;
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all, ...(hasBefore ? before.signing.flatMap((g) => g.rows.map((x) => x.median)) : [])))));
  const x = (v) => left + (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * plotW;
  const groupH = series.length * (bar + gap) + groupGap + 16;
  const height = top + groups.length * groupH + 30;
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/`/g, '');
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">RSASSA-PKCS1-v1_5 SHA-256 signing: median ms per signature (log scale; lower is faster)</text>`);
  out.push(`<text x="${width / 2}" y="37" text-anchor="middle" fill="#555">Node ${esc(r.node)}, one process, interleaved — ${esc(r.date.slice(0, 10))}</text>`);
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const xx = x(d).toFixed(1);
    out.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${height - 26}" stroke="#ddd"/>`);
    out.push(`<text x="${xx}" y="${height - 12}" text-anchor="middle" fill="#555">${d < 1 ? d.toFixed(1) : d.toFixed(0)} ms</text>`);
  }
  groups.forEach((g, gi) => {
    let y = top + gi * groupH;
    out.push(`<text x="8" y="${y + 12}" font-weight="600">${esc(g.label)}</text>`);
    y += 18;
    for (const id of series) {
      const row = id === 'before' ? before.signing.find((b) => b.bits === g.bits)?.rows.find((b) => b.id === 'kcp') : g.rows.find((b) => b.id === id);
      if (row) {
        const w = Math.max(1, x(row.median) - left);
        out.push(`<text x="${left - 6}" y="${y + bar - 3}" text-anchor="end"${id.startsWith('kcp') ? ' font-weight="600"' : ''}>${esc(names[id])}</text>`);
        out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLORS[id]}"/>`);
        out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + bar - 3}" fill="#333">${f(row.median)} ms${id === 'node' ? '' : ` (${row.ratio}×)`}</text>`);
      }
      y += bar + gap;
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function writeReports(dir, results) {
  const beforePath = path.join(dir, 'results-before.json');
  const before = fs.existsSync(beforePath) ? JSON.parse(fs.readFileSync(beforePath, 'utf8')) : null;
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'results.md'), markdown(results, before));
  fs.writeFileSync(path.join(dir, 'results.svg'), svg(results, before));
}
