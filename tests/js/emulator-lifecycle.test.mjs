// The emulator's payment lifecycle driven with plain fetch and JSON, as a merchant's backend in
// any language would: the payment window, the approval, the hub (billing keys, key-in, virtual
// accounts), trade registration, and the deposit with KCP's notification re-delivered to a local
// node:http server until it acknowledges. Cancels and refunds of the new transactions are signed
// by the package's KcpClient. KCP's facts come from the core (kcpFacts), as the emulator's do.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importByName } from '../../scripts/import-package.mjs';
import { acknowledged } from '../../pkg/src/testing/notifier.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const kcp = await importByName('kcp-wasm');
const { createKcpEmulator, EMULATOR_REFUSAL_CODES } = await importByName('kcp-wasm/testing');
const FACTS = kcp.kcpFacts();

const fixture = (p) => fs.readFileSync(path.join(root, 'tests/fixtures', p), 'utf8');
const CERT = fixture('kcp/splCert.pem');
const KEY = fixture('kcp/splPrikeyPKCS8.pem');
const CERT_INFO = fixture('kcp/cert-info.txt').trim();
const OTHER_CERT = fixture('rsa2048/cert.pem');
const WINDOW = '/__emulator/window';
const DEPOSIT = '/__emulator/deposit';
const VALID_CARD = '4111111111111111'; // a test number that passes Luhn

/** An emulator on loopback HTTP, a client for cancels/refunds, and `post(path, body)`. */
async function start(extra = {}) {
  const emulator = createKcpEmulator({
    merchants: [{ siteCd: 'T0000', certificate: CERT }, { siteCd: 'T0001', certificate: OTHER_CERT }],
    ...extra,
  });
  const { url } = await emulator.listen({ port: 0 });
  const client = new kcp.KcpClient({ siteCd: 'T0000', certificate: CERT, privateKey: KEY, password: 'changeit', baseUrl: url, timeoutMs: 3000 });
  const post = async (route, body) => {
    const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `${route} → HTTP ${res.status}`);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    return res.json();
  };
  const stop = async () => {
    client.free();
    await emulator.close();
  };
  return { emulator, client, url, post, stop };
}

const approvalBody = (w, extra = {}) => ({
  tran_cd: w.tran_cd, site_cd: 'T0000', kcp_cert_info: CERT_INFO, enc_data: w.enc_data, enc_info: w.enc_info,
  ...(w.tran_cd === FACTS.tranCdPayment ? { ordr_mony: w.good_mny } : {}),
  ...extra,
});

/** Every value of a KCP reply is a string (amounts included). */
function allStrings(reply) {
  for (const [k, v] of Object.entries(reply)) assert.equal(typeof v, 'string', `${k} is ${typeof v}`);
}

/** A merchant's notification endpoint: answers each delivery with `replies[i]` (the last repeats). */
async function merchantServer(replies) {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method, type: req.headers['content-type'], fields: Object.fromEntries(new URLSearchParams(body)) });
      const result = replies[Math.min(received.length - 1, replies.length - 1)];
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body><form><input type="hidden" name="result" value="${result}"></form></body></html>`);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/kcp/notify`, received, close: () => new Promise((r) => server.close(r)) };
}

describe('card and bank: window → approval → refund → cancel', () => {
  let ctx;
  before(async () => (ctx = await start()));
  after(() => ctx.stop());

  test('the window hands out single-use opaque data with KCP field names', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'ORDER-1', good_mny: '30000', pay_method: 'CARD' });
    assert.equal(w.res_cd, '0000');
    assert.equal(w.tran_cd, FACTS.tranCdPayment);
    assert.equal(w.use_pay_method, FACTS.payMethods.find((m) => m.name === 'card').usePayMethod);
    assert.equal(w.ordr_idxx, 'ORDER-1');
    assert.equal(w.good_mny, '30000');
    assert.equal(w.site_cd, 'T0000');
    assert.ok(w.enc_data.length >= 64 && w.enc_info.length >= 16);
    const w2 = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'ORDER-1', good_mny: '30000', pay_method: 'CARD' });
    assert.notEqual(w2.enc_data, w.enc_data, 'random per window');
    allStrings(w);
  });

  test('approval puts the card payment on the ledger; refund, inquiry and cancel work on it', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'ORDER-2', good_mny: '30000', pay_method: 'CARD' });
    const a = await ctx.post(FACTS.approvalPath, approvalBody(w));
    assert.equal(a.res_cd, '0000', JSON.stringify(a));
    allStrings(a);
    assert.match(a.tno, new RegExp(`^[0-9]{${FACTS.tnoMaxDigits}}$`));
    assert.equal(a.amount, '30000');
    assert.equal(a.order_no, 'ORDER-2');
    assert.equal(a.pay_method, 'PACA');
    assert.match(a.app_time, /^[0-9]{14}$/);
    for (const f of ['card_cd', 'card_name', 'app_no', 'quota', 'noinf', 'partcanc_yn', 'escw_yn', 'res_msg', 'res_en_msg']) assert.ok(a[f], f);
    assert.deepEqual(
      (({ amount, remaining, state, payType, orderNo }) => ({ amount, remaining, state, payType, orderNo }))(ctx.emulator.ledger(a.tno)),
      { amount: 30000, remaining: 30000, state: 'approved', payType: 'PACA', orderNo: 'ORDER-2' },
    );

    const r = await ctx.client.refund({ tno: a.tno, amount: 10000, remaining: 30000 });
    assert.equal(Number(r.remaining), 20000);
    assert.equal((await ctx.client.inquire({ tno: a.tno, payType: 'PACA' })).raw.rem_mny, '20000');
    const c = await ctx.client.cancel({ tno: a.tno });
    assert.equal(c.resCd, '0000');
    assert.equal(ctx.emulator.ledger(a.tno).state, 'cancelled');
  });

  test('a bank transfer is PABK with bank_name and bank_code; inquiry needs PABK', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'ORDER-3', good_mny: '5000', pay_method: 'BANK' });
    assert.equal(w.use_pay_method, FACTS.payMethods.find((m) => m.name === 'bank').usePayMethod);
    const a = await ctx.post(FACTS.approvalPath, approvalBody(w));
    assert.equal(a.res_cd, '0000');
    assert.equal(a.pay_method, 'PABK');
    assert.ok(a.bank_name && a.bank_code);
    assert.equal((await ctx.client.inquire({ tno: a.tno, payType: 'PABK' })).raw.amount, '5000');
  });

  test('ordr_mony different from the window: 8059 with KCP legacy message, nothing consumed', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'ORDER-4', good_mny: '30000', pay_method: 'CARD' });
    const before = ctx.emulator.ledgers().length;
    const bad = await ctx.post(FACTS.approvalPath, approvalBody(w, { ordr_mony: '3000' }));
    assert.equal(bad.res_cd, '8059');
    assert.equal(bad.res_msg, '포맷에러(지불정보-공통:결제금액 불일치)');
    assert.equal(bad.tno, undefined);
    assert.equal(ctx.emulator.ledgers().length, before);
    // a missing amount is a missing field, not a mismatch
    const { ordr_mony: _, ...noAmount } = approvalBody(w);
    assert.equal((await ctx.post(FACTS.approvalPath, noAmount)).res_cd, 'E101');
    // the refusal did not use up the window's data
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(w))).res_cd, '0000');
    assert.equal(ctx.emulator.ledgers().length, before + 1);
  });

  test('enc_data is single-use; unknown, mismatched or foreign window data is refused', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'ORDER-5', good_mny: '1000', pay_method: 'CARD' });
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(w, { tran_cd: FACTS.tranCdBillingKey }))).res_cd, 'E312');
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(w, { kcp_cert_info: 'x' }))).res_cd, 'E201');
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(w, { enc_info: 'forged' }))).res_cd, 'E310');
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(w, { enc_data: 'forged' }))).res_cd, 'E310');
    const first = await ctx.post(FACTS.approvalPath, approvalBody(w));
    assert.equal(first.res_cd, '0000');
    const again = await ctx.post(FACTS.approvalPath, approvalBody(w));
    assert.equal(again.res_cd, 'E311');
    assert.equal(again.res_en_msg.startsWith(EMULATOR_REFUSAL_CODES.E311.en), true);
    assert.equal(ctx.emulator.ledgers().filter((e) => e.orderNo === 'ORDER-5').length, 1, 'approved once');
    // a window opened for T0001 cannot be approved by T0000
    const theirs = await ctx.post(WINDOW, { site_cd: 'T0001', ordr_idxx: 'ORDER-6', good_mny: '1000', pay_method: 'CARD' });
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(theirs))).res_cd, 'E313');
  });

  test('the window refuses what it cannot open', async () => {
    assert.equal((await ctx.post(WINDOW, { site_cd: 'T9999', ordr_idxx: 'O', good_mny: '1000', pay_method: 'CARD' })).res_cd, 'E200');
    assert.equal((await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'O', good_mny: '1000', pay_method: 'CASH' })).res_cd, 'E102');
    assert.equal((await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'O', good_mny: '-1', pay_method: 'CARD' })).res_cd, 'E102');
    assert.equal((await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'O', good_mny: '0', pay_method: 'CARD' })).res_cd, 'E102');
    assert.equal((await ctx.post(WINDOW, { site_cd: 'T0000', good_mny: '1000', pay_method: 'CARD' })).res_cd, 'E101');
  });

  test('trade registration answers in CamelCase with a PayUrl on the emulator that opens the window', async () => {
    const reg = await ctx.post(FACTS.tradeRegisterPath, {
      site_cd: 'T0000', kcp_cert_info: CERT_INFO, ordr_idxx: 'MOBILE-1', good_mny: '2000', good_name: '책',
      pay_method: 'CARD', Ret_URL: 'https://shop.example/kcp/return', escw_used: 'N', user_agent: '',
    });
    assert.equal(reg.Code, '0000');
    assert.ok(reg.Message && reg.approvalKey && reg.traceNo);
    assert.equal(reg.PayUrl, `${ctx.url}${WINDOW}`);
    const res = await fetch(reg.PayUrl, { method: 'POST', body: JSON.stringify({ approval_key: reg.approvalKey }) });
    const w = await res.json();
    assert.equal(w.ordr_idxx, 'MOBILE-1');
    assert.equal(w.good_mny, '2000');
    assert.equal((await ctx.post(FACTS.approvalPath, approvalBody(w))).res_cd, '0000');
    const refused = await ctx.post(FACTS.tradeRegisterPath, { site_cd: 'T0000', kcp_cert_info: 'nope', ordr_idxx: 'M', good_mny: '1', good_name: 'g', pay_method: 'CARD', Ret_URL: 'https://x' });
    assert.equal(refused.Code, 'E201');
    assert.equal(refused.res_cd, undefined);
    assert.equal((await ctx.post(WINDOW, { approval_key: 'unknown' })).res_cd, 'E342');
  });

  test('faults apply to the new routes: an approval applied but never answered', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'LOST-1', good_mny: '7000', pay_method: 'CARD' });
    ctx.emulator.inject({ type: 'apply-then-timeout', match: { path: FACTS.approvalPath } });
    await assert.rejects(
      fetch(`${ctx.url}${FACTS.approvalPath}`, { method: 'POST', body: JSON.stringify(approvalBody(w)), signal: AbortSignal.timeout(300) }),
      (e) => e.name === 'TimeoutError' || e.name === 'AbortError',
    );
    const applied = ctx.emulator.ledgers().filter((e) => e.orderNo === 'LOST-1');
    assert.equal(applied.length, 1, 'the payment exists although the merchant never heard');
    assert.equal(ctx.emulator.requests().at(-1).tno, applied[0].tno, 'the log names the new tno');
    // the merchant's recovery: inquire, then cancel it in full
    assert.equal((await ctx.client.inquire({ tno: applied[0].tno, payType: 'PACA' })).raw.amount, '7000');
    assert.equal((await ctx.client.cancel({ tno: applied[0].tno })).resCd, '0000');

    ctx.emulator.inject({ type: 'http-error', status: 502, match: { path: FACTS.hubPath } });
    const res = await fetch(`${ctx.url}${FACTS.hubPath}`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 502);
  });
});

describe('billing keys: issue → charge ×2 → delete → charge refused', () => {
  let ctx;
  before(async () => (ctx = await start()));
  after(() => ctx.stop());

  const charge = (batchKey, groupId, amount = '9900', extra = {}) => ({
    site_cd: 'T0000', kcp_cert_info: CERT_INFO, pay_method: FACTS.hubPayMethods.card, cust_ip: '', amount, card_mny: amount,
    currency: FACTS.currencyKrw, quota: '00', ordr_idxx: `SUB-${amount}-${Math.random()}`, good_name: '정기구독',
    buyr_name: '홍길동', buyr_mail: '', buyr_tel2: '', card_tx_type: FACTS.cardTxTypeBilling, bt_batch_key: batchKey, bt_group_id: groupId,
    ...extra,
  });
  const del = (batchKey, groupId) => ({
    site_cd: 'T0000', kcp_cert_info: CERT_INFO, batch_key: batchKey, group_id: groupId,
    pay_method: FACTS.hubPayMethods.billingKey, tx_type: FACTS.txTypeBillingKeyDelete,
  });

  test('the whole life of a key', async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'AUTH-1', pay_method: 'AUTH', kcp_group_id: 'T00001000123' });
    assert.equal(w.tran_cd, FACTS.tranCdBillingKey);
    assert.equal(w.use_pay_method, FACTS.hubPayMethods.billingKey);
    assert.equal(w.kcp_group_id, 'T00001000123');
    assert.match(w.card_mask_no, /\*/);
    const { ordr_mony: _, ...issueBody } = approvalBody(w);
    assert.equal(issueBody.ordr_mony, undefined);
    const issued = await ctx.post(FACTS.approvalPath, issueBody);
    assert.equal(issued.res_cd, '0000', JSON.stringify(issued));
    assert.match(issued.batch_key, /^[0-9]{16}$/);
    assert.equal(issued.tno, undefined, 'KCP returns no tno for an issuance');
    assert.ok(issued.card_cd && issued.card_name && issued.card_bank_cd);
    allStrings(issued);
    assert.equal(ctx.emulator.ledgers().length, 0, 'an issuance moves no money');

    const first = await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000123'));
    const second = await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000123', '19900'));
    for (const c of [first, second]) {
      assert.equal(c.res_cd, '0000', JSON.stringify(c));
      assert.equal(c.pay_method, 'PACA');
      allStrings(c);
    }
    assert.notEqual(first.tno, second.tno, 'each charge is a new transaction');
    assert.equal(first.amount, '9900');
    assert.equal(second.card_mny, '19900');
    assert.deepEqual(ctx.emulator.billingKey(issued.batch_key).charges, [first.tno, second.tno]);
    assert.equal(ctx.emulator.ledger(second.tno).billingKey, issued.batch_key);
    assert.equal(Number((await ctx.client.refund({ tno: second.tno, amount: 900, remaining: 19900 })).remaining), 19000);

    // refusals that leave everything as it was
    const before = ctx.emulator.ledgers();
    assert.equal((await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000123', '100', { card_mny: '200' }))).res_cd, 'E102');
    assert.equal((await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000123', '100', { currency: '840' }))).res_cd, 'E102');
    assert.equal((await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'not-a-group'))).res_cd, 'E102');
    assert.equal((await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000999'))).res_cd, 'E322', "another group than the key's");
    assert.equal((await ctx.post(FACTS.hubPath, charge('1234567890123456', 'T00001000123'))).res_cd, 'E320');
    assert.deepEqual(ctx.emulator.ledgers(), before);

    assert.deepEqual(await ctx.post(FACTS.hubPath, del(issued.batch_key, 'T00001000123')), { res_cd: '0000', res_msg: '정상처리' });
    assert.equal(ctx.emulator.billingKey(issued.batch_key).state, 'deleted');
    assert.equal((await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000123'))).res_cd, 'E321');
    assert.equal((await ctx.post(FACTS.hubPath, del(issued.batch_key, 'T00001000123'))).res_cd, 'E321');
    assert.deepEqual(ctx.emulator.ledgers(), before);
  });

  test("a key is the issuing merchant's only", async () => {
    const w = await ctx.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'AUTH-2', pay_method: 'AUTH' });
    assert.equal(w.kcp_group_id, undefined, 'no group configured, none asked for');
    const { ordr_mony: _, ...issueBody } = approvalBody(w);
    const issued = await ctx.post(FACTS.approvalPath, issueBody);
    const theirs = { ...charge(issued.batch_key, 'T00011000001'), site_cd: 'T0001', kcp_cert_info: OTHER_CERT.replace(/\r?\n|\r/g, '') };
    assert.equal((await ctx.post(FACTS.hubPath, theirs)).res_cd, 'E320');
    assert.equal((await ctx.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000777'))).res_cd, '0000', 'any well-formed group id');
  });

  test("with the merchant's own group id configured, only it is accepted", async () => {
    const own = await start({ groupId: 'T00001000348' });
    try {
      assert.equal((await own.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'A', pay_method: 'AUTH', kcp_group_id: 'T00001000349' })).res_cd, 'E322');
      const w = await own.post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'A', pay_method: 'AUTH' });
      assert.equal(w.kcp_group_id, 'T00001000348');
      const { ordr_mony: _, ...issueBody } = approvalBody(w);
      const issued = await own.post(FACTS.approvalPath, issueBody);
      assert.equal((await own.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000349'))).res_cd, 'E322');
      assert.equal((await own.post(FACTS.hubPath, charge(issued.batch_key, 'T00001000348'))).res_cd, '0000');
    } finally {
      await own.stop();
    }
    assert.throws(() => createKcpEmulator({ merchants: [{ siteCd: 'T0000', certificate: CERT }], groupId: 'bad' }), TypeError);
  });
});

describe('key-in payments', () => {
  let ctx;
  before(async () => (ctx = await start({ clock: () => new Date('2026-11-27T02:00:00Z') })));
  after(() => ctx.stop());
  const keyIn = (cardNo, expiry, extra = {}) => ({
    site_cd: 'T0000', kcp_cert_info: CERT_INFO, pay_method: FACTS.hubPayMethods.card, cust_ip: '', amount: '1000', card_mny: '1000',
    currency: FACTS.currencyKrw, quota: '00', ordr_idxx: 'KEYIN-1', good_name: '수기결제', buyr_name: '홍길동', buyr_mail: '', buyr_tel2: '',
    card_tx_type: FACTS.cardTxTypeKeyIn, card_no: cardNo, card_expiry: expiry, card_taxno: '951010', card_pwd: '00', ...extra,
  });

  test('a valid card is approved on the ledger, its number masked; bad numbers never echoed', async () => {
    const ok = await ctx.post(FACTS.hubPath, keyIn(VALID_CARD, '2612'));
    assert.equal(ok.res_cd, '0000', JSON.stringify(ok));
    assert.equal(ok.card_no, '411111******1111');
    assert.equal(ctx.emulator.ledger(ok.tno).origin, 'key-in');
    const invalid = '4111111111111112';
    const luhn = await ctx.post(FACTS.hubPath, keyIn(invalid, '2612'));
    assert.equal(luhn.res_cd, 'E330');
    assert.equal((await ctx.post(FACTS.hubPath, keyIn(VALID_CARD, '2610'))).res_cd, 'E331', 'expired last month (KST)');
    assert.equal((await ctx.post(FACTS.hubPath, keyIn(VALID_CARD, '2611'))).res_cd, '0000', 'valid through this month');
    assert.equal((await ctx.post(FACTS.hubPath, keyIn(VALID_CARD, '2613'))).res_cd, 'E331');
    assert.equal((await ctx.post(FACTS.hubPath, keyIn(VALID_CARD, '2612', { card_pwd: '0000' }))).res_cd, 'E102');
    const seen = JSON.stringify([luhn, ctx.emulator.requests(), ctx.emulator.ledgers()]);
    assert.ok(!seen.includes(VALID_CARD) && !seen.includes(invalid), 'no card number in replies, logs or the ledger');
  });
});

describe('virtual accounts: issue → deposit → notification re-delivered until acknowledged', () => {
  const issue = (extra = {}) => ({
    site_cd: 'T0000', kcp_cert_info: CERT_INFO, pay_method: FACTS.hubPayMethods.virtualAccount, cust_ip: '', amount: '45000', va_mny: '45000',
    currency: FACTS.currencyKrw, ordr_idxx: 'VA-1', good_name: '노트북 파우치', buyr_name: '김철수', buyr_mail: '', buyr_tel2: '',
    va_txtype: FACTS.vaTxType, va_bankcode: 'BK04', va_name: '(주)예시상점', va_date: '20261201235959', ...extra,
  });

  test('refused first, acknowledged second: exactly two deliveries of the TX00 form', async () => {
    const merchant = await merchantServer(['9999', FACTS.notification.ackResult]);
    const ctx = await start({ notifyUrl: merchant.url, notifyIntervalMs: 50 });
    try {
      const va = await ctx.post(FACTS.hubPath, issue());
      assert.ok(FACTS.vaSuccessCodes.includes(va.res_cd), JSON.stringify(va));
      allStrings(va);
      for (const f of ['tno', 'bankname', 'bankcode', 'account', 'depositor', 'va_date', 'app_time', 'order_no', 'amount']) assert.ok(va[f], f);
      assert.equal(va.bankcode, 'BK04');
      assert.equal(va.depositor, '(주)예시상점');
      assert.equal(va.pay_method, 'PAVC');
      assert.equal(ctx.emulator.ledger(va.tno).state, 'awaiting-deposit');
      // nothing deposited yet: a partial refund makes no sense
      await assert.rejects(ctx.client.refund({ tno: va.tno, amount: 1000, remaining: 45000 }), (e) => e.resCd === 'E306');

      const dep = await ctx.post(DEPOSIT, { tno: va.tno, amount: '45000' });
      assert.equal(dep.res_cd, '0000');
      assert.equal(dep.notify_url, merchant.url);
      const log = await ctx.emulator.settled();
      assert.equal(merchant.received.length, 2);
      assert.deepEqual(log.map((d) => [d.attempt, d.status, d.acknowledged]), [[1, 200, false], [2, 200, true]]);
      const [first, second] = merchant.received;
      assert.equal(first.method, 'POST');
      assert.match(first.type, /^application\/x-www-form-urlencoded/);
      assert.deepEqual(second.fields, first.fields, 're-delivered unchanged');
      const f = first.fields;
      assert.equal(f.tx_cd, FACTS.notification.txCodes.find((t) => t.name === 'virtualAccountDeposit').code);
      assert.equal(f.site_cd, 'T0000');
      assert.equal(f.tno, va.tno);
      assert.equal(f.order_no, 'VA-1');
      assert.equal(f.ipgm_mnyx, '45000');
      assert.equal(f.totl_mnyx, '45000');
      assert.equal(f.account, va.account);
      assert.equal(f.ipgm_name, '김철수');
      assert.equal(f.noti_id, dep.noti_id);
      assert.notEqual(f.op_cd, FACTS.notification.opCdDepositCancelled);
      for (const k of ['tx_tm', 'ipgm_time', 'bank_code', 'remitter']) assert.ok(f[k], k);
      assert.equal(ctx.emulator.ledger(va.tno).state, 'approved');

      // observable over HTTP too
      const seen = await (await fetch(`${ctx.url}/__emulator/notifications`)).json();
      assert.equal(seen.pending, 0);
      assert.deepEqual(seen.deliveries.map((d) => d.acknowledged), [false, true]);
      // a second deposit into a one-off account is refused
      assert.equal((await ctx.post(DEPOSIT, { tno: va.tno, amount: '45000' })).res_cd, 'E341');
      // once deposited, the payment refunds like any other
      assert.equal(Number((await ctx.client.refund({ tno: va.tno, amount: 5000, remaining: 45000 })).remaining), 40000);
    } finally {
      await ctx.stop();
      await merchant.close();
    }
  });

  test('a merchant that never acknowledges gets a bounded number of deliveries, spaced out', async () => {
    const merchant = await merchantServer(['9999']);
    const ctx = await start({ notifyUrl: merchant.url, notifyAttempts: 3, notifyIntervalMs: 40 });
    try {
      const va = await ctx.post(FACTS.hubPath, issue({ ordr_idxx: 'VA-2' }));
      const t0 = Date.now();
      await ctx.post(DEPOSIT, { tno: va.tno, amount: '45000' });
      const log = await ctx.emulator.settled();
      assert.equal(merchant.received.length, 3);
      assert.deepEqual(log.map((d) => d.acknowledged), [false, false, false]);
      assert.ok(Date.now() - t0 >= 40 + 80, 'back-off: 40 ms, then 80 ms');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(merchant.received.length, 3, 'no more after the last attempt');
    } finally {
      await ctx.stop();
      await merchant.close();
    }
  });

  test('an unreachable merchant counts as not acknowledged; a deposit of another amount is delivered as is', async () => {
    const ctx = await start({ notifyUrl: 'http://127.0.0.1:9/unreachable', notifyAttempts: 2, notifyIntervalMs: 10, vaSuccessCode: 'V000' });
    try {
      const va = await ctx.post(FACTS.hubPath, issue({ ordr_idxx: 'VA-3' }));
      assert.equal(va.res_cd, 'V000', 'the variant some sources report');
      await ctx.post(DEPOSIT, { tno: va.tno, amount: '40000', remitter: '김영희' });
      const log = await ctx.emulator.settled();
      assert.equal(log.length, 2);
      assert.ok(log.every((d) => d.status === undefined && d.error && !d.acknowledged));
      const entry = ctx.emulator.ledger(va.tno);
      assert.equal(entry.amount, 40000, 'KCP settles what was deposited');
      assert.equal(entry.virtualAccount.issuedAmount, 45000);
      assert.equal(entry.virtualAccount.deposits[0].remitter, '김영희');
    } finally {
      await ctx.stop();
    }
  });

  test('issuance and deposit refusals; a cancelled account takes no deposit', async () => {
    const ctx = await start();
    try {
      assert.equal((await ctx.post(FACTS.hubPath, issue({ va_mny: '1' }))).res_cd, 'E102');
      assert.equal((await ctx.post(FACTS.hubPath, issue({ va_txtype: '41210000' }))).res_cd, 'E340');
      assert.equal((await ctx.post(FACTS.hubPath, issue({ pay_method: 'CASH' }))).res_cd, 'E340');
      assert.equal(ctx.emulator.ledgers().length, 0);
      const va = await ctx.post(FACTS.hubPath, issue());
      assert.equal((await ctx.post(DEPOSIT, { tno: '20991231000001', amount: '1' })).res_cd, 'E300');
      assert.equal((await ctx.post(DEPOSIT, { tno: va.tno, amount: 'x' })).res_cd, 'E102');
      assert.equal((await ctx.client.cancel({ tno: va.tno })).resCd, '0000', 'the issuance cancelled');
      assert.equal((await ctx.post(DEPOSIT, { tno: va.tno, amount: '45000' })).res_cd, 'E341');
      // without a notify URL a deposit is recorded and nothing is sent
      const va2 = await ctx.post(FACTS.hubPath, issue({ ordr_idxx: 'VA-5' }));
      const dep = await ctx.post(DEPOSIT, { tno: va2.tno, amount: '45000' });
      assert.equal(dep.notify_url, null);
      assert.equal(ctx.emulator.notifications().length, 0);
    } finally {
      await ctx.stop();
    }
  });

  test('a virtual account from the window awaits its deposit too; in process, notifyFetch receives it', async () => {
    const got = [];
    const emulator = createKcpEmulator({
      merchants: [{ siteCd: 'T0000', certificate: CERT }],
      notifyUrl: 'https://shop.example/kcp/notify',
      notifyFetch: async (url, init) => {
        got.push({ url, body: String(init.body) });
        return new Response('<input type="hidden" name="result" value="0000">');
      },
    });
    const post = async (route, body) => (await emulator.fetch(route, { method: 'POST', body: JSON.stringify(body) })).json();
    const w = await post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'VA-W', good_mny: '12000', pay_method: 'VCNT', buyr_name: '박민수' });
    assert.equal(w.use_pay_method, FACTS.payMethods.find((m) => m.name === 'virtualAccount').usePayMethod);
    const a = await post(FACTS.approvalPath, approvalBody(w));
    assert.equal(a.res_cd, '0000');
    for (const f of ['bankname', 'bankcode', 'depositor', 'account', 'va_date']) assert.ok(a[f], f);
    assert.equal(emulator.ledger(a.tno).state, 'awaiting-deposit');
    await post(DEPOSIT, { tno: a.tno, amount: 12000 });
    await emulator.settled();
    assert.equal(got.length, 1);
    assert.equal(got[0].url, 'https://shop.example/kcp/notify');
    assert.equal(new URLSearchParams(got[0].body).get('ipgm_name'), '박민수');
    await emulator.close();
  });
});

describe('acknowledged(text): the one check of a merchant reply', () => {
  const ack = (t) => acknowledged(t, FACTS.notification.ackResult);
  test("KCP's sample replies and their variants", () => {
    assert.equal(ack('<html><body><form><input type="hidden" name="result" value="0000"></form></body></html>'), true);
    assert.equal(ack("<INPUT value='0000' TYPE=hidden NAME=result>"), true);
    assert.equal(ack('<input name="result" value=" 0000 " />'), true);
    assert.equal(ack('result=0000'), true);
    assert.equal(ack('a=1&result=0000'), true);
  });
  test('anything else is not an acknowledgement', () => {
    assert.equal(ack('<input type="hidden" name="result" value="9999">'), false);
    assert.equal(ack('<input name="other" value="0000">'), false);
    assert.equal(ack('0000'), false);
    assert.equal(ack('{"result":"0000"}'), false);
    assert.equal(ack('result=00000'), false);
    assert.equal(ack('<input name="result" value="9999"><input name="result" value="0000">'), false, 'the first result decides');
    assert.equal(ack(''), false);
    assert.equal(ack(undefined), false);
    assert.equal(ack('result=%ZZ'), false);
  });
});

describe('kcp-wasm emulator (CLI): the lifecycle options', () => {
  test('--group-id, --va-success-code and the notification options reach the emulator', async () => {
    const { runEmulatorCli } = await import('../../pkg/src/testing/cli.js');
    const merchant = await merchantServer([FACTS.notification.ackResult]);
    const ac = new AbortController();
    const lines = [];
    let listening;
    const ready = new Promise((resolve) => (listening = resolve));
    const done = runEmulatorCli([
      '--port', '0', '--cert', path.join(root, 'tests/fixtures/kcp/splCert.pem'), '--group-id', 'T00001000348',
      '--va-success-code', 'V000', '--notify-url', merchant.url, '--notify-attempts', '2', '--notify-interval-ms', '10',
    ], { signal: ac.signal, stdout: (l) => lines.push(l), stderr: (l) => lines.push(l), onListening: listening });
    const { url } = await ready;
    const post = async (route, body) => (await fetch(`${url}${route}`, { method: 'POST', body: JSON.stringify(body) })).json();
    try {
      assert.equal((await post(WINDOW, { site_cd: 'T0000', ordr_idxx: 'A', pay_method: 'AUTH', kcp_group_id: 'T00001000349' })).res_cd, 'E322');
      const va = await post(FACTS.hubPath, {
        site_cd: 'T0000', kcp_cert_info: CERT_INFO, pay_method: FACTS.hubPayMethods.virtualAccount, amount: '100', va_mny: '100',
        currency: FACTS.currencyKrw, ordr_idxx: 'CLI-VA', good_name: 'g', va_txtype: FACTS.vaTxType, va_name: 'shop',
      });
      assert.equal(va.res_cd, 'V000');
      await post(DEPOSIT, { tno: va.tno, amount: '100' });
      const deadline = Date.now() + 5000;
      while (!lines.some((l) => /attempt 1: HTTP 200, acknowledged/.test(l))) {
        assert.ok(Date.now() < deadline, lines.join('\n'));
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(merchant.received.length, 1);
    } finally {
      ac.abort();
      assert.equal(await done, 0);
      await merchant.close();
    }
    assert.ok(lines.some((l) => l.includes(`notifications: delivered to ${merchant.url}`)));
  });

  test('bad lifecycle options are usage errors', async () => {
    const { runEmulatorCli } = await import('../../pkg/src/testing/cli.js');
    const quiet = { stdout: () => {}, stderr: () => {} };
    const cert = path.join(root, 'tests/fixtures/kcp/splCert.pem');
    assert.equal(await runEmulatorCli(['--cert', cert, '--group-id', 'nope'], quiet), 2);
    assert.equal(await runEmulatorCli(['--cert', cert, '--notify-url', 'ftp://x'], quiet), 2);
    assert.equal(await runEmulatorCli(['--cert', cert, '--notify-attempts', '0'], quiet), 2);
    assert.equal(await runEmulatorCli(['--cert', cert, '--notify-interval-ms', 'soon'], quiet), 2);
    assert.equal(await runEmulatorCli(['--cert', cert, '--va-success-code', '9999'], quiet), 2);
  });
});

describe('hostile input on the lifecycle routes', () => {
  test('odd types, odd values and odd bodies get a refusal code, never a crash or a state change', async () => {
    const emulator = createKcpEmulator({ merchants: [{ siteCd: 'T0000', certificate: CERT }], notifyUrl: 'http://127.0.0.1:9/x', notifyAttempts: 1 });
    const send = async (route, body) => {
      const res = await emulator.fetch(route, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      assert.equal(res.status, 200, `${route} ${JSON.stringify(body)} → HTTP ${res.status}`);
      return res.json();
    };
    const odd = [null, 0, -1, 1.5, 1e300, '', ' ', '-1', '1e3', '٣', 'x'.repeat(10_000), [], ['1'], {}, { toString: 'x' }, true, '__proto__'];
    const routes = {
      [WINDOW]: { site_cd: 'T0000', ordr_idxx: 'O', good_mny: '1000', pay_method: 'CARD' },
      [FACTS.approvalPath]: { tran_cd: FACTS.tranCdPayment, site_cd: 'T0000', kcp_cert_info: CERT_INFO, enc_data: 'a', enc_info: 'b', ordr_mony: '1000' },
      [FACTS.hubPath]: {
        site_cd: 'T0000', kcp_cert_info: CERT_INFO, pay_method: FACTS.hubPayMethods.card, amount: '1000', card_mny: '1000', currency: FACTS.currencyKrw,
        ordr_idxx: 'O', good_name: 'g', card_tx_type: FACTS.cardTxTypeKeyIn, card_no: VALID_CARD, card_expiry: '9912',
      },
      [FACTS.tradeRegisterPath]: { site_cd: 'T0000', kcp_cert_info: CERT_INFO, ordr_idxx: 'O', good_mny: '1', good_name: 'g', pay_method: 'CARD', Ret_URL: 'https://x' },
      [DEPOSIT]: { tno: '20261127000001', amount: '1' },
    };
    let refusals = 0;
    for (const [route, valid] of Object.entries(routes)) {
      for (const raw of ['', 'null', '[]', '"x"', '{', '{"__proto__":{"x":1}}']) {
        const r = await send(route, raw);
        assert.ok(r.res_cd ?? r.Code, `${route} ${raw}`);
        assert.notEqual(r.res_cd ?? r.Code, '0000');
      }
      for (const field of Object.keys(valid)) {
        for (const value of odd) {
          const before = JSON.stringify([emulator.ledgers(), emulator.billingKeys()]);
          const r = await send(route, { ...valid, [field]: value });
          const code = r.res_cd ?? r.Code;
          assert.match(code, /^(0000|E[0-9]{3}|8059)$/, `${route} ${field}=${JSON.stringify(value).slice(0, 40)}`);
          if (code !== '0000') {
            refusals++;
            assert.equal(JSON.stringify([emulator.ledgers(), emulator.billingKeys()]), before, 'a refusal changes nothing');
          }
          assert.ok(!JSON.stringify(r).includes(VALID_CARD), 'the card number is never echoed');
        }
      }
    }
    assert.ok(refusals > 100, `${refusals} refusals`);
    await emulator.close();
  });
});
