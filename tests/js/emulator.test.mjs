// The emulator's rules, one by one, on its core with a node:crypto verifier (the wasm verifier
// is exercised end to end in emulator-client.test.mjs). Signatures are made by OpenSSL through
// node:crypto with KCP's public test key. KCP's facts (paths, limits, the tno rule) are the
// core's, read from the built package (kcpFacts), as the emulator reads them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEmulator, kcpTime, parseAmount, REFUSALS, CANCEL_PATH as EMU_CANCEL_PATH, INQUIRY_PATH as EMU_INQUIRY_PATH } from '../../pkg/src/testing/emulator.js';
import { kcpFacts } from 'kcp-wasm';

const FACTS = kcpFacts();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
function fixture(name) {
  for (const dir of ['tests/fixtures/kcp', '../shared/kcp-public-test']) {
    const p = path.join(root, dir, name);
    if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
  }
  throw new Error(`KCP public test fixture ${name} not found`);
}

const CERT = fixture('splCert.pem');
const KEY = crypto.createPrivateKey({ key: fixture('splPrikeyPKCS8.pem'), passphrase: 'changeit' });

// A second merchant with its own throwaway pair, made by OpenSSL.
const other = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcp-emu-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'),
    '-out', path.join(dir, 'c.pem'), '-subj', '/CN=T0001', '-days', '1'], { stdio: 'ignore' });
  const pair = { cert: fs.readFileSync(path.join(dir, 'c.pem'), 'utf8'), key: crypto.createPrivateKey(fs.readFileSync(path.join(dir, 'k.pem'))) };
  fs.rmSync(dir, { recursive: true });
  return pair;
})();

const serialize = (pem) => pem.replace(/\r?\n|\r/g, '');
const nodeVerifier = {
  serializeCertificate: serialize,
  verifySignature(certPem, plaintext, signature) {
    const pub = new crypto.X509Certificate(certPem).publicKey;
    return crypto.verify('sha256', Buffer.from(plaintext, 'utf8'), pub, Buffer.from(signature, 'base64'));
  },
};
const sign = (plaintext, key = KEY) => crypto.sign('sha256', Buffer.from(plaintext, 'utf8'), key).toString('base64');

const FIXED = new Date('2026-11-27T02:03:04Z'); // 11:03:04 KST

function make(extra = {}) {
  return createEmulator({
    verifier: nodeVerifier,
    facts: FACTS,
    clock: () => FIXED,
    merchants: [{ siteCd: 'T0000', certificate: CERT }, { siteCd: 'T0001', certificate: other.cert }],
    transactions: [
      { tno: '20261127000001', amount: 10000 },
      { tno: '20261127000002', amount: '30000', payType: 'PACA' },
      { tno: '20261127000003', amount: 5000, payType: 'PABK' },
      { tno: '20261127000009', amount: 7000, siteCd: 'T0001' },
    ],
    ...extra,
  });
}

function cancelBody({ siteCd = 'T0000', tno, modType, amount, remaining, cert = CERT, key = KEY, signed, ...rest }) {
  return {
    site_cd: siteCd,
    tno,
    kcp_cert_info: serialize(cert),
    kcp_sign_data: sign(signed ?? `${siteCd}^${tno}^${modType}`, key),
    mod_type: modType,
    ...(amount !== undefined ? { mod_mny: String(amount) } : {}),
    ...(remaining !== undefined ? { rem_mny: String(remaining) } : {}),
    mod_desc: '고객 요청',
    ...rest,
  };
}
function inquiryBody({ siteCd = 'T0000', tno, payType = 'PACA', cert = CERT, key = KEY }) {
  return { site_cd: siteCd, tno, kcp_cert_info: serialize(cert), kcp_sign_data: sign(`${siteCd}^${tno}^${payType}`, key), pay_type: payType };
}

async function post(emu, route, body, init = {}) {
  const res = await emu.fetch(`https://stg-spl.kcp.co.kr${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type'), text, json };
}
const CANCEL = '/gw/mod/v1/cancel';
const INQ = '/std/inquery';

/** Sends a request that must be refused with `code`, and checks no ledger moved. */
async function expectRefused(emu, route, body, code) {
  const before = emu.ledgers();
  const r = await post(emu, route, body);
  assert.equal(r.status, 200);
  assert.equal(r.json?.res_cd, code, `expected ${code}, got ${r.text}`);
  assert.ok(r.json.res_msg && r.json.res_en_msg);
  assert.deepEqual(emu.ledgers(), before, 'a refused request must not change the ledger');
  return r.json;
}

describe('valid requests change the ledger exactly', () => {
  test('STSC cancels what remains', async () => {
    const emu = make();
    const r = await post(emu, CANCEL, cancelBody({ tno: '20261127000001', modType: 'STSC' }));
    assert.equal(r.status, 200);
    assert.match(r.type, /^application\/json/);
    assert.deepEqual(r.json, {
      res_cd: '0000', res_msg: '정상처리', res_en_msg: 'processing completed',
      tno: '20261127000001', mod_type: 'STSC', pay_type: 'PACA', amount: '10000',
      canc_time: '20261127110304', mod_mny: '10000', rem_mny: '0', canc_mod_mny: '10000', coupon_mod_mny: '0',
    });
    const l = emu.ledger('20261127000001');
    assert.equal(l.remaining, 0);
    assert.equal(l.state, 'cancelled');
    assert.equal(l.history.length, 1);
    // untouched neighbours
    assert.equal(emu.ledger('20261127000002').remaining, 30000);
  });

  test('STPC refunds mod_mny against the current balance, with a sequence', async () => {
    const emu = make();
    const tno = '20261127000002';
    const a = await post(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 5000, remaining: 30000 }));
    assert.equal(a.json.res_cd, '0000');
    assert.equal(a.json.mod_mny, '5000');
    assert.equal(a.json.rem_mny, '25000');
    assert.equal(a.json.mod_pacn_seq_no, '1');
    const b = await post(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 7000, remaining: 25000 }));
    assert.equal(b.json.rem_mny, '18000');
    assert.equal(b.json.mod_pacn_seq_no, '2');
    const l = emu.ledger(tno);
    assert.equal(l.amount, 30000);
    assert.equal(l.remaining, 18000);
    assert.equal(l.state, 'partially-cancelled');
    assert.equal(l.partialSequence, 2);
    // Amounts as JSON numbers are accepted too.
    const c = await post(emu, CANCEL, { ...cancelBody({ tno, modType: 'STPC' }), mod_mny: 18000, rem_mny: 18000 });
    assert.equal(c.json.rem_mny, '0');
    assert.equal(emu.ledger(tno).state, 'cancelled');
    // then a full cancel is refused: nothing remains
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STSC' }), 'E301');
  });

  test('STSC after partial refunds cancels only the remainder', async () => {
    const emu = make();
    const tno = '20261127000002';
    await post(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000 }));
    const r = await post(emu, CANCEL, cancelBody({ tno, modType: 'STSC' }));
    assert.equal(r.json.mod_mny, '29000');
    assert.equal(r.json.rem_mny, '0');
  });

  test('mixed-tax partial cancel (TG03) is accepted when the split adds up', async () => {
    const emu = make();
    const tno = '20261127000002';
    const ok = await post(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1100, remaining: 30000,
      tax_flag: 'TG03', mod_tax_mny: '1000', mod_vat_mny: '100', mod_free_mny: '0' }));
    assert.equal(ok.json.res_cd, '0000');
    assert.deepEqual(emu.ledger(tno).history[0].tax, { taxable: 1000, vat: 100, taxFree: 0 });
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1100, remaining: 28900,
      tax_flag: 'TG03', mod_tax_mny: '1000', mod_vat_mny: '99', mod_free_mny: '0' }), 'E102');
  });

  test('inquiry returns the ledger state', async () => {
    const emu = make();
    const tno = '20261127000002';
    let r = await post(emu, INQ, inquiryBody({ tno }));
    assert.equal(r.json.res_cd, '0000');
    assert.equal(r.json.rem_mny, '30000');
    assert.equal(r.json.canc_yn, 'N');
    await post(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 4000, remaining: 30000 }));
    r = await post(emu, INQ, inquiryBody({ tno }));
    assert.equal(r.json.amount, '30000');
    assert.equal(r.json.rem_mny, '26000');
    assert.equal(r.json.canc_mny, '4000');
    assert.equal(r.json.mod_pacn_seq_no, '1');
    assert.equal(r.json.tran_state, 'partially-cancelled');
    assert.equal(r.json.canc_time, '20261127110304');
    // inquiries never change the ledger
    const l = emu.ledgers();
    await post(emu, INQ, inquiryBody({ tno }));
    assert.deepEqual(emu.ledgers(), l);
  });
});

describe('each rule refuses, leaving the ledger unchanged', () => {
  const tno = '20261127000002';
  test('signature over the wrong plaintext', async () => {
    const emu = make();
    // signed as a full cancel, sent as a partial one
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000, signed: `T0000^${tno}^STSC` }), 'E202');
    // signed with the inquiry's plaintext shape
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STSC', signed: `T0000^${tno}^PACA` }), 'E202');
    // another tno's signature
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STSC', signed: 'T0000^20261127000001^STSC' }), 'E202');
    // signed by another key
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STSC', key: other.key }), 'E202');
    // inquiry signed over the cancel's plaintext
    await expectRefused(emu, INQ, { ...inquiryBody({ tno }), kcp_sign_data: sign(`T0000^${tno}^STSC`) }, 'E202');
  });

  test('a signature that is not base64 is refused, not a crash', async () => {
    const emu = make();
    await expectRefused(emu, CANCEL, { ...cancelBody({ tno, modType: 'STSC' }), kcp_sign_data: '!!!not base64^^^' }, 'E202');
    const throwing = make({ verifier: { ...nodeVerifier, verifySignature() { throw new Error('boom'); } } });
    await expectRefused(throwing, CANCEL, cancelBody({ tno, modType: 'STSC' }), 'E202');
  });

  test("other merchant's certificate", async () => {
    const emu = make();
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STSC', cert: other.cert }), 'E201');
    // a certificate with CRLF line breaks left in is not the serialized form
    await expectRefused(emu, CANCEL, { ...cancelBody({ tno, modType: 'STSC' }), kcp_cert_info: CERT.replace(/\n/g, '\r') }, 'E201');
    await expectRefused(emu, INQ, inquiryBody({ tno, cert: other.cert }), 'E201');
  });

  test('unregistered site_cd', async () => {
    await expectRefused(make(), CANCEL, cancelBody({ siteCd: 'T9999', tno, modType: 'STSC' }), 'E200');
  });

  test('stale rem_mny (a retry after the balance moved)', async () => {
    const emu = make();
    const first = cancelBody({ tno, modType: 'STPC', amount: 5000, remaining: 30000 });
    assert.equal((await post(emu, CANCEL, first)).json.res_cd, '0000');
    const j = await expectRefused(emu, CANCEL, first, 'E302'); // the exact same bytes again
    assert.match(j.res_en_msg, /25000/);
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1, remaining: 24999 }), 'E302');
  });

  test('over-refund', async () => {
    await expectRefused(make(), CANCEL, cancelBody({ tno, modType: 'STPC', amount: 30001, remaining: 30000 }), 'E303');
  });

  test('refund or cancel after a full cancel', async () => {
    const emu = make();
    await post(emu, CANCEL, cancelBody({ tno, modType: 'STSC' }));
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1, remaining: 0 }), 'E301');
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000 }), 'E301');
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STSC' }), 'E301');
  });

  test('unknown tno, and another merchant’s tno', async () => {
    const emu = make();
    await expectRefused(emu, CANCEL, cancelBody({ tno: '20261127999999', modType: 'STSC' }), 'E300');
    await expectRefused(emu, INQ, inquiryBody({ tno: '20261127999999' }), 'E300');
    await expectRefused(emu, CANCEL, cancelBody({ tno: '20261127000009', modType: 'STSC' }), 'E300');
    // T0001 can touch its own
    const r = await post(emu, CANCEL, cancelBody({ siteCd: 'T0001', tno: '20261127000009', modType: 'STSC', cert: other.cert, key: other.key }));
    assert.equal(r.json.res_cd, '0000');
  });

  test('bad JSON, or JSON that is not an object', async () => {
    const emu = make();
    for (const body of ['{"site_cd": "T0000",', '', 'null', '[1,2]', '"text"', '42']) {
      await expectRefused(emu, CANCEL, body, 'E100');
      await expectRefused(emu, INQ, body, 'E100');
    }
  });

  test('missing fields, each named', async () => {
    const emu = make();
    const full = cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000 });
    for (const field of ['site_cd', 'tno', 'kcp_cert_info', 'kcp_sign_data', 'mod_type', 'mod_mny', 'rem_mny']) {
      const { [field]: _gone, ...body } = full;
      const j = await expectRefused(emu, CANCEL, body, 'E101');
      assert.match(j.res_en_msg, new RegExp(field));
      await expectRefused(emu, CANCEL, { ...full, [field]: '' }, 'E101');
    }
    const inq = inquiryBody({ tno });
    for (const field of ['site_cd', 'tno', 'kcp_cert_info', 'kcp_sign_data', 'pay_type']) {
      const { [field]: _gone, ...body } = inq;
      await expectRefused(emu, INQ, body, 'E101');
    }
  });

  test('invalid values', async () => {
    const emu = make();
    const base = cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000 });
    for (const [field, value] of [['mod_mny', '1,000'], ['mod_mny', '-5'], ['mod_mny', 1.5], ['mod_mny', '0'], ['rem_mny', 'abc'],
      ['rem_mny', '1234567890123'], ['site_cd', 12345], ['tno', '2026-11-27'], ['mod_desc', '가'.repeat(34)], ['tax_flag', 'TG01']]) {
      await expectRefused(emu, CANCEL, { ...base, [field]: value }, 'E102');
    }
  });

  test('an unsupported mod_type, and an inquiry with the wrong pay_type', async () => {
    const emu = make();
    await expectRefused(emu, CANCEL, cancelBody({ tno, modType: 'STMR' }), 'E304');
    await expectRefused(emu, INQ, inquiryBody({ tno: '20261127000003', payType: 'PACA' }), 'E305');
    assert.equal((await post(emu, INQ, inquiryBody({ tno: '20261127000003', payType: 'PABK' }))).json.res_cd, '0000');
  });

  test('unknown routes and methods', async () => {
    const emu = make();
    assert.equal((await post(emu, '/gw/mod/v1/other', {})).status, 404);
    const get = await emu.fetch('http://x/gw/mod/v1/cancel');
    assert.equal(get.status, 405);
    assert.equal(emu.ledger(tno).remaining, 30000);
  });

  test('two racing refunds carrying the same rem_mny: exactly one applies', async () => {
    const emu = make();
    const body = cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000 });
    const results = await Promise.all([post(emu, CANCEL, body), post(emu, CANCEL, body)]);
    assert.deepEqual(results.map((r) => r.json.res_cd).sort(), ['0000', 'E302']);
    assert.equal(emu.ledger(tno).remaining, 29000);
  });

  test('every refusal code is documented with a message', () => {
    for (const [code, m] of Object.entries(REFUSALS)) {
      assert.match(code, /^E[0-9]{3}$/);
      assert.ok(m.ko && m.en);
    }
  });
});

describe('faults', () => {
  const tno = '20261127000002';
  const refund = () => cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 30000 });

  test('delay holds the reply; a caller that gives up first leaves the ledger untouched', async () => {
    const emu = make({ faults: [{ type: 'delay', ms: 80 }] });
    const t0 = Date.now();
    const r = await post(emu, CANCEL, refund());
    assert.ok(Date.now() - t0 >= 70);
    assert.equal(r.json.res_cd, '0000');

    emu.inject({ type: 'delay', ms: 5000 });
    const before = emu.ledgers();
    await assert.rejects(post(emu, CANCEL, cancelBody({ tno, modType: 'STSC' }), { signal: AbortSignal.timeout(30) }),
      (e) => e.name === 'TimeoutError');
    assert.deepEqual(emu.ledgers(), before);
  });

  test('a dropped connection rejects like fetch does and applies nothing', async () => {
    const emu = make();
    emu.inject({ type: 'drop' });
    await assert.rejects(post(emu, CANCEL, refund()), (e) => e instanceof TypeError && e.message === 'fetch failed');
    assert.equal(emu.ledger(tno).remaining, 30000);
    // the fault was used once
    assert.equal((await post(emu, CANCEL, refund())).json.res_cd, '0000');
  });

  test('drop with apply: true moves the money, then drops', async () => {
    const emu = make({ faults: [{ type: 'drop', apply: true }] });
    await assert.rejects(post(emu, CANCEL, refund()), TypeError);
    assert.equal(emu.ledger(tno).remaining, 29000);
  });

  test('a 5xx', async () => {
    const emu = make({ faults: [{ type: 'http-error', status: 502 }] });
    const r = await post(emu, CANCEL, refund());
    assert.equal(r.status, 502);
    assert.match(r.type, /text\/html/);
    assert.equal(emu.ledger(tno).remaining, 30000);
    emu.inject({ type: 'http-error' });
    assert.equal((await post(emu, CANCEL, refund())).status, 503);
  });

  test('text/plain content type, JSON body', async () => {
    const emu = make({ faults: [{ type: 'text-plain' }] });
    const r = await post(emu, CANCEL, refund());
    assert.match(r.type, /^text\/plain/);
    assert.equal(r.json.res_cd, '0000');
  });

  test('apply then time out: the money moves, no reply arrives', async () => {
    const emu = make({ faults: [{ type: 'apply-then-timeout' }] });
    await assert.rejects(post(emu, CANCEL, refund(), { signal: AbortSignal.timeout(50) }), (e) => e.name === 'TimeoutError');
    assert.equal(emu.ledger(tno).remaining, 29000);
    const inq = await post(emu, INQ, inquiryBody({ tno }));
    assert.equal(inq.json.rem_mny, '29000');
    assert.deepEqual(emu.requests()[0], { method: 'POST', path: CANCEL, tno, modType: 'STPC', fault: 'apply-then-timeout', status: undefined, resCd: '0000', outcome: 'hang' });
    // and without a signal, close() ends the wait
    emu.inject({ type: 'apply-then-timeout' });
    const pending = post(emu, CANCEL, cancelBody({ tno, modType: 'STPC', amount: 1000, remaining: 29000 }));
    await new Promise((r) => setTimeout(r, 10));
    await emu.close();
    await assert.rejects(pending, TypeError);
    assert.equal(emu.ledger(tno).remaining, 28000);
  });

  test('faults match by path, tno and mod_type, and count down', async () => {
    const emu = make({ faults: [{ type: 'http-error', match: { path: INQ, tno }, times: 2 }] });
    assert.equal((await post(emu, CANCEL, refund())).status, 200);
    assert.equal((await post(emu, INQ, inquiryBody({ tno: '20261127000001' }))).status, 200);
    assert.equal((await post(emu, INQ, inquiryBody({ tno }))).status, 503);
    assert.equal((await post(emu, INQ, inquiryBody({ tno }))).status, 503);
    assert.equal((await post(emu, INQ, inquiryBody({ tno }))).status, 200);
    assert.deepEqual(emu.pendingFaults(), []);
    emu.inject({ type: 'drop', match: { modType: 'STSC' }, times: Infinity });
    await assert.rejects(post(emu, CANCEL, cancelBody({ tno, modType: 'STSC' })));
    await assert.rejects(post(emu, CANCEL, cancelBody({ tno, modType: 'STSC' })));
    assert.equal(emu.pendingFaults().length, 1);
    assert.throws(() => emu.inject({ type: 'explode' }), TypeError);
  });
});

describe('over real HTTP on loopback', () => {
  let emu, base;
  before(async () => {
    emu = make();
    ({ url: base } = await emu.listen({ port: 0 }));
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
  after(() => emu.close());
  const tno = '20261127000002';
  const send = (route, body, init = {}) => fetch(base + route, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init,
  });

  test('refund and inquiry', async () => {
    const r = await send(CANCEL, cancelBody({ tno, modType: 'STPC', amount: 2000, remaining: 30000 }));
    assert.equal(r.status, 200);
    assert.equal((await r.json()).rem_mny, '28000');
    const i = await (await send(INQ, inquiryBody({ tno }))).json();
    assert.equal(i.rem_mny, '28000');
    const bad = await fetch(base + CANCEL, { method: 'POST', body: '{oops' });
    assert.equal((await bad.json()).res_cd, 'E100');
    assert.equal((await fetch(base + '/nope')).status, 404);
  });

  test('dropped connection, 5xx, text/plain', async () => {
    emu.inject({ type: 'drop' });
    await assert.rejects(send(INQ, inquiryBody({ tno })), TypeError);
    emu.inject({ type: 'http-error', status: 500 });
    assert.equal((await send(INQ, inquiryBody({ tno }))).status, 500);
    emu.inject({ type: 'text-plain' });
    const r = await send(INQ, inquiryBody({ tno }));
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    assert.equal(JSON.parse(await r.text()).res_cd, '0000');
  });

  test('apply then time out over a socket', async () => {
    const before = emu.ledger(tno).remaining;
    emu.inject({ type: 'apply-then-timeout' });
    await assert.rejects(send(CANCEL, cancelBody({ tno, modType: 'STPC', amount: 500, remaining: before }), { signal: AbortSignal.timeout(1000) }),
      (e) => e.name === 'TimeoutError');
    assert.equal(emu.ledger(tno).remaining, before - 500);
  });

  test('an oversized body is refused with 413, not buffered', async () => {
    const r = await fetch(base + CANCEL, { method: 'POST', body: 'x'.repeat(2 << 20) }).catch((e) => e);
    // either the 413 arrives, or the server closed the socket while the body was still streaming
    if (r instanceof Response) assert.equal(r.status, 413);
    else assert.ok(r instanceof TypeError);
  });

  test('close() does not wait for a hanging request', async () => {
    const e2 = make({ faults: [{ type: 'apply-then-timeout' }] });
    const { url } = await e2.listen();
    const pending = fetch(url + INQ, { method: 'POST', body: JSON.stringify(inquiryBody({ tno })) });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await e2.close();
    assert.ok(Date.now() - t0 < 1000);
    await assert.rejects(pending);
  });
});

describe('options and helpers', () => {
  test('bad options are refused when the emulator is made', () => {
    const m = [{ siteCd: 'T0000', certificate: CERT }];
    assert.throws(() => createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: [] }), TypeError);
    assert.throws(() => createEmulator({ facts: FACTS, merchants: m }), TypeError);
    assert.throws(() => createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: m, transactions: [{ tno: 'abc', amount: 1 }] }), TypeError);
    assert.throws(() => createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: m, transactions: [{ tno: '1', amount: 0 }] }), TypeError);
    assert.throws(() => createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: m, transactions: [{ tno: '1', amount: 1 }, { tno: '1', amount: 2 }] }), TypeError);
    assert.throws(() => createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: m, transactions: [{ tno: '1', amount: 1, siteCd: 'X' }] }), TypeError);
    assert.throws(() => createEmulator({ verifier: nodeVerifier, merchants: m }), /facts/);
  });

  test("KCP's facts are the core's: one tno rule, one MAX_AMOUNT, the same paths", () => {
    const m = [{ siteCd: 'T0000', certificate: CERT }];
    const longest = '9'.repeat(FACTS.tnoMaxDigits);
    assert.equal(FACTS.tnoMaxDigits, 14);
    assert.ok(createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: m, transactions: [{ tno: longest, amount: 1 }] }));
    assert.throws(() => createEmulator({ verifier: nodeVerifier, facts: FACTS, merchants: m, transactions: [{ tno: `${longest}9`, amount: 1 }] }), TypeError);
    assert.equal(parseAmount(FACTS.maxAmount + 1, FACTS.maxAmount), null);
    assert.equal(EMU_CANCEL_PATH, FACTS.modifyPath);
    assert.equal(EMU_INQUIRY_PATH, FACTS.inquiryPath);
  });

  test('ledger() returns copies, addTransaction seeds later', () => {
    const emu = make();
    const l = emu.ledger('20261127000001');
    l.remaining = 1;
    assert.equal(emu.ledger('20261127000001').remaining, 10000);
    assert.equal(emu.ledger('404'), undefined);
    emu.addTransaction({ tno: '1', amount: 5 });
    assert.deepEqual(emu.ledger('1'), { tno: '1', siteCd: 'T0000', payType: 'PACA', amount: 5, remaining: 5, state: 'approved', partialSequence: 0, history: [] });
  });

  test('kcpTime is KST, parseAmount takes digits or safe integers', () => {
    assert.equal(kcpTime(new Date('2026-12-31T15:00:00Z')), '20270101000000');
    assert.equal(parseAmount('000123', FACTS.maxAmount), 123);
    assert.equal(parseAmount(999999999999, FACTS.maxAmount), 999999999999);
    assert.equal(parseAmount(1e12, FACTS.maxAmount), null);
    assert.equal(parseAmount('1e3', FACTS.maxAmount), null);
    assert.equal(parseAmount(-1, FACTS.maxAmount), null);
  });

  test('requests() and onRequest record what happened', async () => {
    const seen = [];
    const emu = make({ onRequest: (r) => seen.push(r) });
    await post(emu, INQ, inquiryBody({ tno: '20261127000001' }));
    assert.equal(seen.length, 1);
    assert.equal(seen[0].path, INQ);
    assert.equal(seen[0].resCd, '0000');
    assert.deepEqual(emu.requests(), seen);
  });
});
