// The hand-written declarations, compiled by TypeScript (strict) as a user's ESM and CommonJS
// code would use them, under both `nodenext` and `bundler` resolution; and no `any` in them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

const dir = path.join(root, 'test-results/types');

const USE = `
import {
  KcpClient, KcpSigner, KcpError, KcpRejectedError, KcpHttpError, KcpNetworkError, KcpOutcomeUnknownError,
  serializeCertificate, inspectCertificate, verifySignature, cancelPlaintext, inquiryPlaintext,
  init, initSync, ERROR_CODES, runtimeEntry, resultCodes,
  type KcpErrorCode, type PreparedRequest, type ModifyResult, type InquiryResult, type CertificateInfo,
  kcpFacts, type KcpAnyError, type KcpFacts,
  type PaymentResult, type BillingKeyResult, type VirtualAccountResult, type TradeRegistrationResult,
} from 'kcp-wasm';

export function narrow(e: KcpAnyError): string {
  switch (e.code) {
    case 'KCP_REJECTED': return e.resCd;
    case 'OUTCOME_UNKNOWN': return e.reason;
    case 'HTTP_ERROR': return String(e.status);
    // @ts-expect-error: a FIELD_INVALID is not a KcpRejectedError
    case 'FIELD_INVALID': return e.resCd;
    default: return e.code;
  }
}
export const facts: KcpFacts = kcpFacts();
export const moves: boolean = facts.modTypes[0].movesMoney;


export async function use(cert: string, key: string | Uint8Array, password: string | undefined): Promise<string> {
  await init();
  const client = new KcpClient({ siteCd: 'T0000', certificate: cert, privateKey: key, password, environment: 'staging', timeoutMs: 5000 });
  new KcpClient({ siteCd: 'T0000', certificate: cert, privateKey: key, password, fetch: globalThis.fetch });
  new KcpClient({ siteCd: 'T0000', certificate: cert, privateKey: key, password, baseUrl: 'http://127.0.0.1:8765',
    fetch: async (u, i) => new Response(JSON.stringify({ u, b: i.body })) });
  const p: PreparedRequest = client.prepareRefund({ tno: '1', amount: 1, remaining: '2', tax: { taxable: 1, vat: 0, taxFree: 0 } });
  const url: string = p.url;
  const m: 'POST' = p.method;
  const moving: boolean = p.movesMoney; void moving;
  client.prepareModify({ tno: '1', modType: 'STHD', refundAccount: { bankCode: '004', account: '1', depositor: 'x' }, extra: { a: 'b' } });
  try {
    const r: ModifyResult = await client.cancel({ tno: '1' }, { signal: new AbortController().signal, timeoutMs: 10 });
    const q: InquiryResult = await client.inquire({ tno: '1', payType: 'PACA' });
    const rem: number | undefined = r.remaining;
    void q.raw; void rem;
  } catch (e) {
    if (e instanceof KcpRejectedError) { const c: string = e.resCd; void c; }
    if (e instanceof KcpHttpError) { const s: number = e.status; void s; }
    if (e instanceof KcpOutcomeUnknownError) { const why: 'timeout' | 'aborted' | 'network' = e.reason; void why; }
    if (e instanceof KcpNetworkError) { const why: 'timeout' | 'aborted' | 'network' | 'not-sent' = e.reason; const c: 'NETWORK_ERROR' = e.code; void why; void c; }
    if (e instanceof KcpRejectedError) { const h: string | undefined = e.hint; void h; }
    if (e instanceof KcpNetworkError || e instanceof KcpError) { const code: KcpErrorCode = e.code; void code; }
  }
  const s = KcpSigner.fromPem(key, password);
  const sig: string = s.sign('x');
  const fmt: 'pkcs12-pbe-sha1-3des' | 'pbes2' | 'pkcs8' | 'pkcs1' = s.keyFormat;
  s.free();
  const info: CertificateInfo = inspectCertificate(cert);
  const ok: boolean = verifySignature(cert, 'x', sig);
  initSync(new Uint8Array(0));
  for (const { code, hint, source } of resultCodes()) void [code.length, hint.length, source.length];
  const expiredAt: number = inspectCertificate(cert).notAfterUnix; void expiredAt;
  void [url, m, fmt, info, ok, cancelPlaintext('a', 'b', 'c'), inquiryPlaintext('a', 'b', 'c'), serializeCertificate(cert), ERROR_CODES, runtimeEntry];
  // @ts-expect-error: environment is 'staging' | 'production'
  new KcpClient({ siteCd: 'T0000', certificate: cert, privateKey: 'k', password, environment: 'prod' });
  // @ts-expect-error: amount is required for a refund
  client.prepareRefund({ tno: '1', remaining: 2 });
  // @ts-expect-error: the constructor is private
  new KcpSigner();
  return sig;
}

export async function pay(client: KcpClient): Promise<string | undefined> {
  const approval: PaymentResult = await client.approve({ tranCd: '00100000', encData: 'd', encInfo: 'i', amount: 1000, usePayMethod: '100000000000' });
  const method: 'card' | 'bank' | 'virtualAccount' | 'points' | 'mobile' | 'gift' | 'unknown' = approval.method;
  const installments: number | undefined = approval.card?.installments;
  for (const w of approval.warnings) { const c: 'AMOUNT_MISMATCH' | 'AMOUNT_UNREADABLE' | 'TNO_MISSING' | 'ORDER_MISMATCH' | 'TNO_MISMATCH' = w.code; void c; }
  try {
    await client.approveAndRecord({ tranCd: '1', encData: 'd', encInfo: 'i', amount: '1000' }, async (r) => { void r.tno; });
  } catch (e) {
    const err = e as KcpAnyError;
    if (err.code === 'APPROVAL_CANCELLED') { const c: ModifyResult = err.cancel; void c; }
    if (err.code === 'APPROVAL_CANCEL_FAILED') { const why: KcpErrorCode = err.cancelError.code; void why; }
    if (err.code === 'OUTCOME_UNKNOWN') { const order: string | undefined = err.orderId; void order; }
  }
  const key: BillingKeyResult = await client.issueBillingKey({ tranCd: '00300001', encData: 'd', encInfo: 'i' });
  const charge: PaymentResult = await client.chargeBillingKey({ batchKey: key.batchKey, groupId: 'G', orderId: 'O', amount: 1, goodName: 'g', installments: 3 });
  await client.deleteBillingKey({ batchKey: key.batchKey, groupId: 'G' });
  const va: VirtualAccountResult = await client.issueVirtualAccount({ orderId: 'O', amount: 1, goodName: 'g', buyerName: 'b', bankCode: 'BK04', depositor: 'd', dueAt: '20261231235959', cashReceipt: { purpose: 'proof', id: '1' } });
  const paid: PaymentResult = await client.keyIn({ orderId: 'O', amount: 1, goodName: 'g', cardNumber: '4111111111111111', expiry: '2607' });
  const trade: TradeRegistrationResult = await client.registerTrade({ orderId: 'O', amount: 1, goodName: 'g', payMethod: 'CARD', returnUrl: 'https://x', escrow: false });
  const p: PreparedRequest = client.prepareKeyIn({ orderId: 'O', amount: 1, goodName: 'g', cardNumber: '4111111111111111', expiry: '2607' });
  // @ts-expect-error: cashReceipt.purpose is 'deduction' | 'proof'
  client.prepareVirtualAccount({ orderId: 'O', amount: 1, goodName: 'g', buyerName: 'b', bankCode: 'BK04', depositor: 'd', dueAt: '1', cashReceipt: { purpose: 'tax', id: '1' } });
  // @ts-expect-error: a key-in needs the card number
  client.prepareKeyIn({ orderId: 'O', amount: 1, goodName: 'g', expiry: '2607' });
  void [method, installments, charge.tno, va.account, paid.card, trade.payUrl, p.orderId];
  return approval.tno;
}

import {
  parseNotification, notificationReply, notificationAcknowledged, isKcpNotifierIp, createNotificationHandler, encodeNotification,
  type KcpNotification, type NotificationKind,
} from 'kcp-wasm';

export function notifications(): (request: Request) => Promise<Response> {
  const n: KcpNotification = parseNotification(encodeNotification({ tno: '1', tx_cd: 'TX00', ipgm_mnyx: 1000 }, { charset: 'euc-kr' }), { charset: 'auto' });
  const kind: NotificationKind = n.kind;
  const amount: number | undefined = n.deposit?.amount;
  const cancelled: boolean | undefined = n.deposit?.cancelled;
  const decision: 'confirmed' | 'cancelled' | 'autoConfirmed' | 'unknown' | undefined = n.escrow?.decision;
  const raw: string | undefined = n.raw['tno'];
  void [kind, amount, cancelled, decision, raw, n.dedupKey, parseNotification('tno=1'), parseNotification(new ArrayBuffer(0))];
  const ack: boolean = notificationAcknowledged(notificationReply()) && notificationAcknowledged(notificationReply(false));
  const ok: boolean = isKcpNotifierIp('1.2.3.4') || isKcpNotifierIp('1.2.3.4', 'staging');
  void [ack, ok];
  // @ts-expect-error: the charset is one of three
  parseNotification('tno=1', { charset: 'latin1' });
  // @ts-expect-error: environment is 'staging' | 'production'
  isKcpNotifierIp('1.2.3.4', 'prod');
  return createNotificationHandler({
    environment: 'staging',
    clientIp: (request) => request.headers.get('cf-connecting-ip'),
    onNotification: async (notification) => {
      if (notification.deposit && !notification.deposit.cancelled) void notification.deposit.amount;
    },
    onError: (error) => void error,
  });
}
`;

// What a user of the emulator writes (kcp-wasm/testing), in every configuration below.
const USE_TESTING = `
import { KcpClient } from 'kcp-wasm';
import { createKcpEmulator, EMULATOR_REFUSAL_CODES, type LedgerEntry } from 'kcp-wasm/testing';

export async function useEmulator(cert: string, key: string, password: string | undefined): Promise<number | undefined> {
  const kcp = createKcpEmulator({ merchants: [{ siteCd: 'T0000', certificate: cert }], transactions: [{ tno: '1', amount: 1000 }] });
  const client = new KcpClient({ siteCd: 'T0000', certificate: cert, privateKey: key, password, fetch: kcp.fetch });
  const r = await client.refund({ tno: '1', amount: 100, remaining: 1000 });
  for (const w of r.warnings) { const c: 'TNO_MISMATCH' | 'REMAINING_MISMATCH' | 'AMOUNT_MISMATCH' | 'AMOUNT_UNREADABLE' = w.code; void c; }
  const reply = await kcp.fetch('http://kcp/std/inquery', { method: 'POST', body: '{}' });
  const text: string = await reply.text();
  const entry: LedgerEntry | undefined = kcp.ledger('1');
  void [text, EMULATOR_REFUSAL_CODES];
  return entry?.remaining;
}
`;

function tsc(name, files, compilerOptions) {
  const sub = path.join(dir, name);
  fs.rmSync(sub, { recursive: true, force: true });
  fs.mkdirSync(sub, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(sub, f), text);
  fs.writeFileSync(
    path.join(sub, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2022', 'esnext.disposable', 'dom'], types: [], ...compilerOptions },
      files: Object.keys(files).filter((f) => /\.[cm]?ts$/.test(f)),
    }),
  );
  try {
    execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', sub], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail(`tsc (${name}) failed:\n${e.stdout}${e.stderr}`);
  }
}

test('types compile for ESM under nodenext', () => {
  tsc('nodenext-esm', { 'package.json': '{"type":"module"}', 'use.mts': USE }, { module: 'nodenext', moduleResolution: 'nodenext' });
});

test('types compile for CommonJS under nodenext', () => {
  tsc('nodenext-cjs', { 'use.cts': USE }, { module: 'nodenext', moduleResolution: 'nodenext' });
});

test('types compile under bundler resolution', () => {
  tsc('bundler', { 'use.ts': USE }, { module: 'esnext', moduleResolution: 'bundler' });
});

// The type matrix: strict, skipLibCheck false, with what each platform's users have.
describe('type matrix: the main and testing declarations with each platform\'s globals', () => {
  const both = (ext) => ({ [`use${ext}`]: USE, [`emulator${ext}`]: USE_TESTING });
  test('(a) lib es2022 + @types/node, no DOM (ESM, nodenext)', () => {
    tsc('node-es2022', { 'package.json': '{"type":"module"}', ...both('.mts') }, { lib: ['es2022'], types: ['node'], module: 'nodenext', moduleResolution: 'nodenext' });
  });
  test('(b) @cloudflare/workers-types, no DOM (bundler)', () => {
    tsc('workers', both('.ts'), { lib: ['es2022'], types: ['@cloudflare/workers-types'], module: 'esnext', moduleResolution: 'bundler', customConditions: ['workerd'] });
  });
  test('(c) DOM, without the esnext.disposable lib (bundler)', () => {
    tsc('dom', both('.ts'), { lib: ['es2022', 'dom'], types: [], module: 'esnext', moduleResolution: 'bundler' });
  });
  test('(d) a CommonJS project (module node16) importing kcp-wasm and kcp-wasm/testing', () => {
    tsc('commonjs-node16', { 'package.json': '{"type":"commonjs"}', ...both('.ts') }, { lib: ['es2022'], types: ['node'], module: 'node16', moduleResolution: 'node16' });
  });
  test('(e) deno check', () => {
    const sub = path.join(dir, 'deno');
    fs.rmSync(sub, { recursive: true, force: true });
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, 'use.ts'), USE);
    fs.writeFileSync(path.join(sub, 'emulator.ts'), USE_TESTING);
    try {
      execFileSync(path.join(root, 'node_modules/.bin/deno'), ['check', '--quiet', 'use.ts', 'emulator.ts'], {
        cwd: sub,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      });
    } catch (e) {
      assert.fail(`deno check failed:\n${e.stdout}${e.stderr}`);
    }
  });
});

test("kcp-wasm/testing's CommonJS declarations are its ESM ones, byte for byte", () => {
  // scripts/build.sh copies them; the package's `require` condition points at the copy.
  const pkg = path.join(root, 'pkg');
  const exported = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).exports['./testing'].require.types;
  assert.equal(fs.readFileSync(path.join(pkg, exported), 'utf8'), fs.readFileSync(path.join(pkg, 'src/testing/index.d.ts'), 'utf8'));
});

test('no `any` in the public declarations', () => {
  const dts = fs.readFileSync(path.join(root, 'pkg/types/index.d.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  assert.doesNotMatch(dts, /\bany\b/);
});
