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
  coldVsNative: 3,
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
  if (r.cold) L.push(...coldMarkdown(r.cold));
  // Issue 6's targets.
  const s2048 = r.signing.find((s) => s.bits === 2048);
  const get = (id) => s2048.rows.find((x) => x.id === id);
  const kcp = get('kcp');
  const vsForge = get('forge').median / kcp.median;
  const pk = r.keyLoading.find((k) => k.id === 'pkcs12');
  L.push('');
  L.push('## Targets (issues 6 and 12)');
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
  for (const rt of r.cold?.processes ?? []) {
    const c = rt.contenders.find((x) => x.id === 'kcp');
    if (c?.vsNodeCrypto) L.push(`| ${rt.label}, fresh process: import + KCP key + first signature ≤ ${TARGETS.coldVsNative}× node:crypto's createPrivateKey + sign (wall) | ${c.vsNodeCrypto}× (${f(c.median.first)} ms; CPU ${c.cpuVsNodeCrypto}×) | ${mark(c.vsNodeCrypto <= TARGETS.coldVsNative)} |`);
    else if (c?.vsWebCrypto) L.push(`| ${rt.label}, fresh process: the same ≤ ${TARGETS.coldVsNative}× WebCrypto importKey + sign (node:crypto cannot read KCP's file here) | ${c.vsWebCrypto}× (${f(c.median.first)} ms) | ${mark(c.vsWebCrypto <= TARGETS.coldVsNative)} |`);
  }
  const wk = r.cold?.workerd?.workers.find((x) => x.id === 'kcp');
  if (wk?.vsWebCrypto) L.push(`| workerd, fresh isolate: first signed request ≤ ${TARGETS.coldVsNative}× the WebCrypto Worker's (CPU) | ${wk.vsWebCrypto}× (${f(wk.coldFirst)} ms) | ${mark(wk.vsWebCrypto <= TARGETS.coldVsNative)} |`);
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

function coldMarkdown(c) {
  const L = [];
  const v = (x) => (x === null || x === undefined ? '—' : f(x));
  L.push('');
  L.push('## Cold start (`bench/cold.mjs`)');
  L.push('');
  L.push(`Every sample is a fresh process (or a fresh \`workerd serve\`), ${c.rounds} rounds, every contender once per round in a rotated order; medians. Load average (1, 5, 15 min) at the end of the run: ${c.loadavg} on ${c.cores ?? 2} cores: wall times on a loaded machine include waiting for a core, the CPU columns do not.`);
  L.push('');
  L.push('### Fresh processes: import, first key load, first and second signature');
  L.push('');
  L.push("kcp-wasm: `import` of the runtime's entry (reads, compiles and instantiates the .wasm), `KcpSigner.fromPem` on KCP's key file, `sign` twice. node:crypto: `createPrivateKey({ key, passphrase })` on the same file, `crypto.sign` twice. WebCrypto: `importKey('pkcs8')` of the same key unencrypted, `subtle.sign` twice. Wall ms (performance.now); *first* is import + key + first signature; CPU is the whole process's CPU time over the same span (all threads).");
  L.push('');
  L.push('| runtime | contender | import | key load | first sign | second sign | **first** | × node:crypto | × WebCrypto | CPU first | CPU × node:crypto | samples |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const rt of c.processes) {
    for (const x of rt.contenders) {
      if (!x.median) {
        L.push(`| ${rt.label} | ${x.label} | cannot: ${String(x.error ?? '').replace(/\x1b\[[0-9;]*m/g, '').replace(/\|/g, '/').slice(0, 80)} | | | | | | | | | 0 |`);
        continue;
      }
      const m = x.median;
      const name = x.kind === 'kcp' ? `**${x.label}**` : x.label;
      L.push(`| ${rt.label} | ${name} | ${v(m.import)} | ${v(m.load)} | ${v(m.sign1)} | ${v(m.sign2)} | **${v(m.first)}** | ${x.vsNodeCrypto ?? '—'} | ${x.vsWebCrypto ?? '—'} | ${v(m.cpuFirst)} | ${x.cpuVsNodeCrypto ?? '—'} | ${x.n} |`);
    }
  }
  if (c.workerd) {
    const w = c.workerd;
    L.push('');
    L.push(`### Fresh workerd ${w.workerd} isolates: CPU ms`);
    L.push('');
    L.push("Each sample starts its own `workerd serve` with one Worker (`bench/cold/`): kcp-wasm as the docs' Workers pattern has it (a `KcpClient` built at the first request that needs it: key, certificate, pairing), the WebCrypto reference (`importKey` of the unencrypted PKCS#8 at the first request that needs it) or an empty Worker. The CPU time of workerd's threads (`/proc/<pid>/task/*/schedstat`) is read around each request: start-up (until the socket accepts; compiles the Worker and its .wasm), a first request that does nothing, the key load, the first and second signed requests, then " + w.warmRequests + ' signed requests in a row (**warm CPU ms per signed request**). *Cold first signed request* is what a fresh isolate pays for its first signed request: start-up over the empty Worker\'s + the first request + key load + first signature.');
    L.push('');
    L.push('| Worker | start-up | first request | key load | first sign | second sign | **cold first signed request** | × WebCrypto | **warm, per signed request** | × WebCrypto | samples |');
    L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of w.workers) {
      const m = x.median;
      L.push(`| ${x.kind === 'kcp' ? '**' + x.label + '**' : x.label} | ${v(m.startup)} | ${v(m.ping)} | ${v(m.load)} | ${v(m.sign1)} | ${v(m.sign2)} | ${x.coldFirst === null ? '—' : '**' + v(x.coldFirst) + '**'} | ${x.vsWebCrypto ?? '—'} | **${v(m.warm)}** | ${x.warmVsWebCrypto ?? '—'} | ${x.n} |`);
    }
    L.push('');
    L.push('The empty Worker\'s rows are what workerd itself spends (the *key load* and *sign* columns are then plain requests). Wall latencies are in `results.json`.');
  }
  return L;
}
