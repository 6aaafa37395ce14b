// KCP's common notification through the built package: parsing (UTF-8 and EUC-KR), the reply
// and its reader, the notifier addresses, and the Fetch API handler with real Request objects.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  parseNotification,
  notificationReply,
  notificationAcknowledged,
  isKcpNotifierIp,
  createNotificationHandler,
  encodeNotification,
  kcpFacts,
  KcpError,
  ERROR_CODES,
} from 'kcp-wasm';
import { root } from './helpers.mjs';

const TNO = '21234567890123';
const URL_ = 'https://shop.example/kcp/notify';
const facts = kcpFacts().notification;
const [PROD_IP] = facts.notifierIps.production;
const [STG_IP] = facts.notifierIps.staging;

const deposit = {
  site_cd: 'T0000',
  tno: TNO,
  order_no: 'ORDER-1',
  tx_cd: 'TX00',
  tx_tm: '20261130120000',
  ipgm_name: '홍길동',
  ipgm_mnyx: '000000010000',
  totl_mnyx: '000000010000',
  ipgm_time: '20261130115959',
  bank_code: 'BK04',
  account: '12345678901234',
  noti_id: 'N0001',
  op_cd: '50',
  remitter: '김철수',
  cash_a_no: '123456789',
  cash_no: '98765432101234',
};

function post(body, headers = {}) {
  return new Request(URL_, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
}

describe('parseNotification', () => {
  test('a TX00 deposit, typed and kept whole in raw', () => {
    const n = parseNotification(encodeNotification(deposit, { charset: 'euc-kr' }), { charset: 'euc-kr' });
    assert.equal(n.kind, 'virtualAccountDeposit');
    assert.equal(n.txCd, 'TX00');
    assert.equal(n.tno, TNO);
    assert.equal(n.siteCd, 'T0000');
    assert.equal(n.orderId, 'ORDER-1');
    assert.equal(n.occurredAt, '20261130120000');
    assert.equal(n.dedupKey, `${TNO}:N0001:50`);
    assert.deepEqual(n.deposit, {
      amount: 10000,
      total: 10000,
      depositedAt: '20261130115959',
      bankCode: 'BK04',
      account: '12345678901234',
      notificationId: 'N0001',
      opCd: '50',
      cancelled: false,
      payerName: '홍길동',
      remitter: '김철수',
      cashReceipt: { approvalNumber: '123456789', transactionNumber: '98765432101234' },
    });
    assert.deepEqual(n.raw, deposit);
    const cancel = parseNotification(encodeNotification({ ...deposit, op_cd: '13' }), { charset: 'utf-8' });
    assert.equal(cancel.deposit.cancelled, true);
    assert.notEqual(cancel.dedupKey, n.dedupKey);
  });

  test('the captured percent-encoded EUC-KR text, in every input form', () => {
    const body = `tno=${TNO}&res_msg=%C1%A4%BB%F3%C3%B3%B8%AE`;
    const bytes = new TextEncoder().encode(body);
    for (const input of [body, bytes, bytes.buffer]) {
      for (const options of [undefined, { charset: 'auto' }, { charset: 'euc-kr' }]) {
        assert.equal(parseNotification(input, options).raw.res_msg, '정상처리');
      }
    }
    assert.throws(() => parseNotification(body, { charset: 'utf-8' }), (e) => e instanceof KcpError && e.code === 'NOTIFICATION_MALFORMED' && !e.message.includes('C1'));
    // EUC-KR that is also valid UTF-8 (홍 = C8 AB = UTF-8 'ȫ'): auto reads EUC-KR; real UTF-8 Hangul stays UTF-8.
    assert.equal(parseNotification('tno=1&remitter=%C8%AB').raw.remitter, '홍');
    assert.equal(parseNotification(encodeNotification({ tno: '1', remitter: '홍' })).raw.remitter, '홍');
  });

  test("the declared NotificationKind is the core's tx_cd names and 'unknown'", () => {
    const dts = fs.readFileSync(path.join(root, 'pkg/types/index.d.ts'), 'utf8');
    const union = /export type NotificationKind =([\s\S]*?);/.exec(dts)[1];
    const declared = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]);
    assert.deepEqual(declared, [...facts.txCodes.map((t) => t.name), 'unknown']);
  });

  test('other tx_cds and an unknown one', () => {
    const base = { tno: TNO, tx_tm: '20261130120000' };
    const n2 = parseNotification(encodeNotification({ ...base, tx_cd: 'TX02', st_cd: 'N', can_msg: '변심' }));
    assert.deepEqual(n2.escrow, { status: 'N', decision: 'cancelled', cancelReason: '변심' });
    assert.equal(n2.dedupKey, `${TNO}:TX02:20261130120000`);
    assert.deepEqual(parseNotification(encodeNotification({ ...base, tx_cd: 'TX01', refund_nm: 'A', refund_mny: 500, bank_code: '04' })).refund, { name: 'A', amount: 500, bankCode: '04' });
    assert.deepEqual(parseNotification(encodeNotification({ ...base, tx_cd: 'TX03', waybill_no: '1', waybill_corp: 'CJ' })).delivery, { waybillNo: '1', carrier: 'CJ' });
    assert.deepEqual(parseNotification(encodeNotification({ ...base, tx_cd: 'TX08', ipgm_mnyx: '700' })).mobileTransfer, { amount: 700 });
    for (const { code, name } of facts.txCodes) assert.equal(parseNotification(`tno=1&tx_cd=${code}`).kind, name);
    const unknown = parseNotification(`tno=1&tx_cd=TX42&__proto__=x&new=1`);
    assert.equal(unknown.kind, 'unknown');
    assert.equal(unknown.raw.new, '1');
    assert.equal(Object.getPrototypeOf(unknown.raw), Object.prototype, 'a field named __proto__ is data');
    assert.equal(Object.hasOwn(unknown.raw, '__proto__'), true);
  });

  test('malformed bodies: NOTIFICATION_MALFORMED, a listed code, never the body in the message', () => {
    assert.ok(ERROR_CODES.includes('NOTIFICATION_MALFORMED'));
    for (const body of ['', 'a=1', 'tno=abc', 'tno=1&x=%', 'tno=1&x=%G0', 'tno=1&a=1&a=2', `tno=1&ipgm_mnyx=12,000&tx_cd=TX00`, 'x'.repeat(64 * 1024 + 1)]) {
      assert.throws(() => parseNotification(body), (e) => e.code === 'NOTIFICATION_MALFORMED' && !e.message.includes('12,000'), body.slice(0, 40));
    }
    assert.throws(() => parseNotification(42), { code: 'FIELD_INVALID', field: 'body' });
    assert.throws(() => parseNotification('tno=1', { charset: 'latin1' }), { code: 'CONFIG_INVALID', field: 'charset' });
  });
});

describe('reply, acknowledgement, notifier addresses, encoding', () => {
  test("the reply is KCP's sample's form", () => {
    assert.equal(notificationReply(), '<html><body><form><input type="hidden" name="result" value="0000"></form></body></html>');
    assert.ok(notificationAcknowledged(notificationReply(true)));
    assert.ok(!notificationAcknowledged(notificationReply(false)));
    assert.ok(notificationAcknowledged("<INPUT value='0000' NAME=result>"));
    for (const no of ['0000', '{"result":"0000"}', 'result=0000', '', '<input name="result" value="9999">', undefined]) assert.ok(!notificationAcknowledged(no), String(no));
  });

  test('notifier addresses: strict, per environment', () => {
    assert.ok(isKcpNotifierIp(PROD_IP));
    assert.ok(isKcpNotifierIp(`::ffff:${PROD_IP}`, 'production'));
    assert.ok(!isKcpNotifierIp(PROD_IP, 'staging'));
    assert.ok(isKcpNotifierIp(STG_IP, 'staging'));
    for (const hostile of ['103.215.144.1730', '0103.215.144.173', ' 103.215.144.173', '103.215.144.173, 1.1.1.1', null, 1736937645]) {
      assert.ok(!isKcpNotifierIp(hostile), String(hostile));
    }
    assert.throws(() => isKcpNotifierIp(PROD_IP, 'prod'), { code: 'CONFIG_INVALID', field: 'environment' });
  });

  test('encodeNotification: EUC-KR bytes as KCP would send them', () => {
    const bytes = encodeNotification({ tno: '1', remitter: '홍 길동' }, { charset: 'euc-kr' });
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(bytes), 'tno=1&remitter=%C8%AB+%B1%E6%B5%BF');
    assert.equal(new TextDecoder().decode(encodeNotification({ a: '€' })), 'a=%E2%82%AC');
    assert.throws(() => encodeNotification({ a: '😀' }, { charset: 'euc-kr' }), { code: 'FIELD_INVALID' });
    assert.throws(() => encodeNotification({ a: {} }), { code: 'FIELD_INVALID' });
  });
});

describe('createNotificationHandler', () => {
  const ipFrom = (request) => request.headers.get('x-test-client-ip');

  test('acknowledges only after the callback resolved', async () => {
    const events = [];
    let release;
    const gate = new Promise((r) => (release = r));
    const handle = createNotificationHandler({
      clientIp: ipFrom,
      onNotification: async (n, request) => {
        assert.ok(request instanceof Request);
        events.push(`start ${n.dedupKey}`);
        await gate;
        events.push('stored');
      },
    });
    const pending = handle(post(encodeNotification(deposit, { charset: 'euc-kr' }), { 'x-test-client-ip': PROD_IP }));
    let settled = false;
    pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'no reply while the callback runs');
    release();
    const response = await pending;
    assert.deepEqual(events, [`start ${TNO}:N0001:50`, 'stored']);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/html/);
    const text = await response.text();
    assert.equal(text, notificationReply(true));
    assert.ok(notificationAcknowledged(text));
  });

  test('a callback that throws gets the refusal (KCP re-sends), without the error text', async () => {
    const seen = [];
    const handle = createNotificationHandler({
      allowAnyIp: true,
      onNotification: () => {
        throw new Error('db down: secret-connection-string');
      },
      onError: (error) => seen.push(error.message),
    });
    const response = await handle(post(encodeNotification(deposit)));
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.ok(!notificationAcknowledged(text));
    assert.ok(!text.includes('secret'));
    assert.deepEqual(seen, ['db down: secret-connection-string']);
  });

  test('the same event delivered twice has the same dedupKey; the EUC-KR body decodes', async () => {
    const keys = [];
    const names = [];
    const handle = createNotificationHandler({
      allowAnyIp: true,
      charset: 'euc-kr',
      onNotification: (n) => {
        keys.push(n.dedupKey);
        names.push(n.deposit.remitter);
      },
    });
    for (let i = 0; i < 2; i++) assert.equal((await handle(post(encodeNotification(deposit, { charset: 'euc-kr' })))).status, 200);
    assert.deepEqual(keys, [`${TNO}:N0001:50`, `${TNO}:N0001:50`]);
    assert.deepEqual(names, ['김철수', '김철수']);
  });

  test('403 for a foreign or missing address, 405 for another method, 400 for a malformed body, 413 for a huge one', async () => {
    let calls = 0;
    const handle = createNotificationHandler({ environment: 'production', clientIp: ipFrom, onNotification: () => calls++ });
    const body = () => encodeNotification(deposit);
    for (const ip of ['203.0.113.9', STG_IP, `${PROD_IP}:443`, `1.2.3.4, ${PROD_IP}`, undefined]) {
      const response = await handle(post(body(), ip === undefined ? {} : { 'x-test-client-ip': ip }));
      assert.equal(response.status, 403, String(ip));
      assert.ok(!notificationAcknowledged(await response.text()));
    }
    // X-Forwarded-For is never read by the handler itself.
    assert.equal((await handle(post(body(), { 'x-forwarded-for': PROD_IP }))).status, 403);
    const get = await handle(new Request(URL_, { method: 'GET', headers: { 'x-test-client-ip': PROD_IP } }));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const bad = await handle(post('tno=12x&tx_cd=TX00', { 'x-test-client-ip': PROD_IP }));
    assert.equal(bad.status, 400);
    assert.ok(!notificationAcknowledged(await bad.text()));
    const huge = await handle(post('tno=1&a=' + 'x'.repeat(70 * 1024), { 'x-test-client-ip': PROD_IP }));
    assert.equal(huge.status, 413);
    // A stream without a length, over the limit: refused without reading it whole.
    let pulled = 0;
    const stream = new ReadableStream({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x61));
        if (pulled > 100) controller.close();
      },
    });
    const streamed = await handle(new Request(URL_, { method: 'POST', body: stream, duplex: 'half', headers: { 'x-test-client-ip': PROD_IP } }));
    assert.equal(streamed.status, 413);
    assert.ok(pulled < 20, `read ${pulled} chunks`);
    assert.equal(calls, 0);
    assert.equal((await handle(post(body(), { 'x-test-client-ip': `::ffff:${PROD_IP}` }))).status, 200);
    assert.equal(calls, 1);
  });

  test('configuration: an address check or an explicit allowAnyIp, one validation owner', () => {
    const onNotification = () => {};
    assert.throws(() => createNotificationHandler({ onNotification }), { code: 'CONFIG_INVALID', field: 'clientIp' });
    assert.throws(() => createNotificationHandler({ onNotification, clientIp: () => '1.1.1.1', allowAnyIp: true }), { code: 'CONFIG_INVALID', field: 'allowAnyIp' });
    assert.throws(() => createNotificationHandler({ allowAnyIp: true }), { code: 'CONFIG_INVALID', field: 'onNotification' });
    assert.throws(() => createNotificationHandler({ onNotification, allowAnyIp: true, environment: 'prod' }), { code: 'CONFIG_INVALID', field: 'environment' });
    assert.throws(() => createNotificationHandler({ onNotification, allowAnyIp: true, charset: 'latin1' }), { code: 'CONFIG_INVALID', field: 'charset' });
    assert.throws(() => createNotificationHandler(null), { code: 'CONFIG_INVALID' });
    assert.equal(typeof createNotificationHandler({ onNotification, allowAnyIp: true, charset: 'EUC-KR', environment: 'staging' }), 'function');
  });
});
