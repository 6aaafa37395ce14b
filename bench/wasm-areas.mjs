// What each area of the package costs in the default .wasm, deep (issue 12): unlike
// bench/wasm-size.mjs (shallow, per function name), this removes a group of exports from
// wasm-bindgen's output, lets `wasm-opt -Oz` (scripts/build.sh's flags) drop every function only
// they reached, and gzips the result; data cannot be dropped that way, so the EUC-KR table
// (src/api/euc_kr_table.rs) is costed by zeroing its bytes in the optimized module, which gzip
// then almost erases. Every figure is one change at a time against the same baseline: they do
// not add up exactly.
//   node bench/wasm-areas.mjs <wasm-bindgen output, before wasm-opt> [--simd]
// e.g. the file scripts/build.sh passes to wasm-opt: stop the build there, or run
//   wasm-bindgen target/wasm-simd/wasm32-unknown-unknown/release/kcp_wasm.wasm --target web --out-dir /tmp/x
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const input = process.argv[2];
if (!input) throw new Error('usage: node bench/wasm-areas.mjs file.wasm (wasm-bindgen output, before wasm-opt)');
const bytes = fs.readFileSync(input);
// scripts/build.sh's wasm-opt flags for the default module.
const FLAGS = ['-Oz', '--converge', '--one-caller-inline-max-function-size', '0', '--strip-producers', '--strip-target-features', '--strip-debug',
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
  '--enable-reference-types', '--enable-multivalue', '--enable-simd'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-areas-'));
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const optimize = (buf) => {
  fs.writeFileSync(path.join(tmp, 'in.wasm'), buf);
  execFileSync(path.join(root, 'node_modules/.bin/wasm-opt'), [path.join(tmp, 'in.wasm'), '-o', path.join(tmp, 'out.wasm'), ...FLAGS]);
  return fs.readFileSync(path.join(tmp, 'out.wasm'));
};
const exportsOf = () => {
  const m = binaryen.readBinary(bytes);
  const names = [];
  for (let i = 0; i < m.getNumExports(); i++) names.push(binaryen.getExportInfo(m.getExportByIndex(i)).name);
  m.dispose();
  return names;
};
const without = (names) => {
  const m = binaryen.readBinary(bytes);
  m.setFeatures(binaryen.Features.All);
  for (const n of names) m.removeExport(n);
  const out = Buffer.from(m.emitBinary());
  m.dispose();
  return out;
};
const all = exportsOf();
const pick = (re) => all.filter((n) => re.test(n));
const NOTIFICATIONS = /^(parseNotification|notificationReply|notificationAcknowledged|isKcpNotifierIp|encodeNotification|notificationCharset|maxNotificationBytes)$/;
const PAYMENTS = /^merchant_prepare(Approval|BillingKey|BillingCharge|BillingKeyDelete|VirtualAccount|KeyIn|TradeRegistration|AutoCancel)$/;
const groups = [
  ['notifications: parseNotification, encodeNotification, notificationReply, … (code only)', pick(NOTIFICATIONS)],
  ['payment request builders: prepareApproval … prepareAutoCancel (their replies stay: Prepared.parse reads them)', pick(PAYMENTS)],
  ['verifySignature (what only it reaches: most of the SPKI reading shares the certificate path)', pick(/^verifySignature$/)],
  ['kcpFacts', pick(/^kcpFacts$/)],
  ['inspectCertificate', pick(/^inspectCertificate$/)],
  ['notifications and payment request builders together', [...pick(NOTIFICATIONS), ...pick(PAYMENTS)]],
  ['notifications, payment request builders and verifySignature together', [...pick(NOTIFICATIONS), ...pick(PAYMENTS), ...pick(/^verifySignature$/)]],
];
const base = optimize(without([]));
const baseGz = gz(base);
console.log(`${input}: ${all.length} exports; through scripts/build.sh's wasm-opt: ${base.length} bytes raw, ${baseGz} gzip -9`);
console.log('\n| without | exports | raw saved | gzip -9 saved |\n|---|---:|---:|---:|');
for (const [label, names] of groups) {
  const out = optimize(without(names));
  console.log(`| ${label} | ${names.length} | ${base.length - out.length} | ${baseGz - gz(out)} |`);
}

// The EUC-KR table (src/api/euc_kr_table.rs): the Hangul bitmap and the two areas' coded bit
// streams (symbols, Hanja), found byte for byte in the optimized module and zeroed.
const table = fs.readFileSync(path.join(root, 'src/api/euc_kr_table.rs'), 'utf8');
const hex = (text) => [...text.matchAll(/0x[0-9A-Fa-f]+/g)].map((m) => Number(m[0]));
const hangul = /static HANGUL_KS: \[u8; \d+\] = \[(.*?)\];/s.exec(table)[1];
const streams = [...table.matchAll(/bits: &\[(.*?)\]/gs)].map((m) => Buffer.from(hex(m[1])));
const parts = {
  'symbols (coded stream)': streams[0],
  'Hanja (coded stream)': streams[1],
  'Hangul bitmap': Buffer.from(hex(hangul)),
};
const ranges = {};
for (const [name, b] of Object.entries(parts)) {
  // Found by its first 64 bytes (rustc may share an array's last bytes with other data).
  const at = base.indexOf(b.subarray(0, Math.min(b.length, 64)));
  if (at < 0) {
    console.log(`(${name}: not found as laid out in euc_kr_table.rs; skipped)`);
    continue;
  }
  ranges[name] = [at, b.length];
}
const zeroed = (list) => {
  const b = Buffer.from(base);
  for (const [at, len] of list) b.fill(0, at, at + len);
  return baseGz - gz(b);
};
console.log('\n| EUC-KR table part, zeroed | bytes | gzip -9 saved |\n|---|---:|---:|');
for (const [name, r] of Object.entries(ranges)) console.log(`| ${name} | ${r[1]} | ${zeroed([r])} |`);
console.log(`| the whole table | ${Object.values(ranges).reduce((a, r) => a + r[1], 0)} | ${zeroed(Object.values(ranges))} |`);
fs.rmSync(tmp, { recursive: true, force: true });
