// The payment requests of the client (approval, billing keys, virtual accounts, key-in, trade
// registration) over a stubbed fetch: the body sent, the result read, what a timeout means, the
// approved-but-not-recorded path, and that no error ever carries a card number.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { KcpClient, KcpError, KcpOutcomeUnknownError, KcpRejectedError, KcpNetworkError, ERROR_CODES, kcpFacts } from 'kcp-wasm';
import { KCP, interfaceMembers } from './helpers.mjs';

const facts = kcpFacts();
const TNO = '23732987373372';
const CARD = '4111111111111111';

// The captured billing-key charge reply of beyond-cancel.md §2.3 (values elided there filled in).
const CAPTURED_CARD = {
  order_no: '20230412329', mall_taxno: '1138521083', partcanc_yn: 'Y', noinf: 'N', res_msg: '정상처리', coupon_mny: '0',
  pg_txid: '0412032914TK01', card_mny: '1100', res_vat_mny: '100', ca_order_id: '20230412329', res_tax_flag: 'TG01',
  acqu_name: '신한카드', card_no: '461954******7815', quota: '00', van_cd: 'VNKC', acqu_cd: 'CCLG', amount: '1100',
  cert_no: TNO, van_apptime: '20230412032914', use_point: '0', res_free_mny: '0', pay_method: 'PACA',
  bizx_numb: '0000000000', res_cd: '0000', escw_yn: 'N', join_cd: '0000', app_time: '20230412032914', tno: TNO,
  card_cd: 'CCLG', res_en_msg: 'processing completed', card_name: '신한카드', res_tax_mny: '1000', app_no: '70577311',
};

/** A client whose fetch answers with `reply(url, body)` (an object: JSON; a string: as is; null: never). */
function stub(reply, options = {}) {
  const calls = [];
  const fetch = (url, init) => {
    const body = JSON.parse(init.body);
    calls.push({ url, path: new URL(url).pathname, body });
    const answer = reply(new URL(url).pathname, body, calls.length);
    if (answer === null) {
      return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    }
    return Promise.resolve(new Response(typeof answer === 'string' ? answer : JSON.stringify(answer)));
  };
  const client = new KcpClient({ ...KCP.options, fetch, ...options });
  return { client, calls };
}

const approvalInput = { tranCd: '00100000', encData: 'ENC+DATA/==', encInfo: 'ENCINFO', amount: 1100, orderId: '20230412329' };
const chargeInput = { batchKey: '2304051168518034', groupId: 'BA0011000348', orderId: 'SUB-1', amount: 1100, goodName: '정기 구독' };
const keyInInput = { orderId: 'KEYIN-1', amount: 1000, goodName: '상품', cardNumber: CARD, expiry: '2607', birthDate: '951010', cardPasswordPrefix: '00' };
const vaInput = { orderId: 'VA-1', amount: 50000, goodName: '상품', buyerName: '홍길동', bankCode: 'BK04', depositor: '가맹점', dueAt: '20261231235959' };
const tradeInput = { orderId: 'M-1', amount: 1004, goodName: '운동화', payMethod: 'CARD', returnUrl: 'https://shop.example/kcp/return' };

describe('approval', () => {
  test('sends the window data unchanged and ordr_mony as a string, unsigned', async () => {
    const { client, calls } = stub(() => CAPTURED_CARD);
    const result = await client.approve(approvalInput);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].path, facts.approvalPath);
    assert.deepEqual(Object.keys(calls[0].body), ['site_cd', 'kcp_cert_info', 'tran_cd', 'enc_data', 'enc_info', 'ordr_mony']);
    assert.deepEqual(
      { ...calls[0].body, kcp_cert_info: undefined },
      { site_cd: 'T0000', kcp_cert_info: undefined, tran_cd: '00100000', enc_data: 'ENC+DATA/==', enc_info: 'ENCINFO', ordr_mony: '1100' },
    );
    assert.equal(calls[0].body.kcp_cert_info, client.kcpCertInfo);
    assert.equal(result.resCd, '0000');
    assert.equal(result.tno, TNO);
    assert.equal(result.amount, 1100);
    assert.equal(result.orderId, '20230412329');
    assert.equal(result.approvedAt, '20230412032914');
    assert.equal(result.method, 'card');
    assert.equal(result.payType, 'PACA');
    assert.deepEqual(result.card, { code: 'CCLG', name: '신한카드', approvalNo: '70577311', interestFree: false, installments: 0, acquirerCode: 'CCLG', acquirerName: '신한카드' });
    assert.equal(result.escrow, false);
    assert.equal(result.partialCancelAllowed, true);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.raw, CAPTURED_CARD);
    client.free();
  });

  test('another approved amount is a warning, never an error', async () => {
    const { client } = stub(() => CAPTURED_CARD);
    const result = await client.approve({ ...approvalInput, amount: 1000 });
    assert.deepEqual(result.warnings.map((w) => [w.code, w.expected, w.reported]), [['AMOUNT_MISMATCH', '1000', '1100']]);
    assert.equal(result.amount, 1100);
    client.free();
  });

  test("the window's use_pay_method names the method when the reply does not", async () => {
    const { client } = stub(() => ({ res_cd: '0000', tno: TNO, amount: '500', bankname: '국민', bankcode: 'BK04', account: '123', depositor: '가맹점', va_date: '20261231235959' }));
    const va = await client.approve({ ...approvalInput, amount: 500, usePayMethod: '001000000000' });
    assert.equal(va.method, 'virtualAccount');
    assert.deepEqual(va.virtualAccount, { bankName: '국민', bankCode: 'BK04', depositor: '가맹점', account: '123', dueAt: '20261231235959' });
    const unknown = await client.approve({ ...approvalInput, amount: 500 });
    assert.equal(unknown.method, 'unknown');
    client.free();
  });

  test('a refusal is KCP_REJECTED with its res_cd', async () => {
    const { client } = stub(() => ({ res_cd: '8059', res_msg: '결제금액 불일치' }));
    await assert.rejects(client.approve(approvalInput), (e) => e instanceof KcpRejectedError && e.resCd === '8059' && e.raw.res_msg === '결제금액 불일치');
    client.free();
  });

  test('bad input names the wire field', () => {
    const { client } = stub(() => ({}));
    assert.throws(() => client.prepareApproval({ ...approvalInput, tranCd: 'abc' }), { code: 'FIELD_INVALID', field: 'tran_cd' });
    assert.throws(() => client.prepareApproval({ ...approvalInput, encData: '' }), { code: 'FIELD_INVALID', field: 'enc_data' });
    assert.throws(() => client.prepareApproval({ ...approvalInput, encInfo: 1 }), { code: 'FIELD_INVALID', field: 'enc_info' });
    assert.throws(() => client.prepareApproval({ ...approvalInput, amount: -1 }), { code: 'FIELD_INVALID', field: 'ordr_mony' });
    assert.throws(() => client.prepareApproval({ ...approvalInput, amount: undefined }), { code: 'FIELD_INVALID', field: 'ordr_mony' });
    const p = client.prepareApproval(approvalInput);
    assert.deepEqual([p.operation, p.movesMoney, p.plaintext, p.orderId], ['approval', true, '', '20230412329']);
    client.free();
  });
});

describe('timeouts of payments are OUTCOME_UNKNOWN: inquire before charging again', () => {
  const cases = [
    ['approve', approvalInput, 'approval', '20230412329'],
    ['chargeBillingKey', chargeInput, 'billingCharge', 'SUB-1'],
    ['keyIn', keyInInput, 'keyIn', 'KEYIN-1'],
    ['issueVirtualAccount', vaInput, 'virtualAccountIssue', 'VA-1'],
  ];
  for (const [method, input, operation, orderId] of cases) {
    test(method, async () => {
      const { client, calls } = stub(() => null, { timeoutMs: 50 });
      const error = await client[method](input).catch((e) => e);
      assert.ok(error instanceof KcpOutcomeUnknownError, error?.code);
      assert.ok(!(error instanceof KcpNetworkError));
      assert.equal(error.code, 'OUTCOME_UNKNOWN');
      assert.equal(error.operation, operation);
      assert.equal(error.reason, 'timeout');
      assert.equal(error.orderId, orderId);
      assert.match(error.message, /before charging again/);
      assert.match(error.message, new RegExp(`order ${orderId}`));
      assert.equal(calls.length, 1, 'sent once, never retried');
      client.free();
    });
  }

  test('a billing-key deletion, issuance or trade registration moves no money: NETWORK_ERROR', async () => {
    const { client } = stub(() => null, { timeoutMs: 50 });
    for (const [method, input] of [
      ['deleteBillingKey', { batchKey: '1', groupId: 'G' }],
      ['issueBillingKey', { tranCd: '00300001', encData: 'd', encInfo: 'i' }],
      ['registerTrade', tradeInput],
    ]) {
      const error = await client[method](input).catch((e) => e);
      assert.equal(error.code, 'NETWORK_ERROR', method);
    }
    client.free();
  });
});

describe('billing keys', () => {
  test('issuance: no ordr_mony, batch_key back', async () => {
    const { client, calls } = stub(() => ({ res_cd: '0000', res_msg: '정상처리', batch_key: '2304051168518034', card_cd: 'CCDI', card_name: '현대카드', card_bank_cd: '0321', van_tx_id: 'X' }));
    const key = await client.issueBillingKey({ tranCd: facts.tranCdBillingKey, encData: 'd', encInfo: 'i' });
    assert.deepEqual(Object.keys(calls[0].body), ['site_cd', 'kcp_cert_info', 'tran_cd', 'enc_data', 'enc_info']);
    assert.deepEqual({ ...key, raw: undefined }, { resCd: '0000', resMsg: '정상처리', batchKey: '2304051168518034', cardCode: 'CCDI', cardName: '현대카드', cardBankCode: '0321', raw: undefined });
    assert.equal(key.raw.van_tx_id, 'X');
    client.free();
  });

  test('charge: the hub body, and the captured reply', async () => {
    const { client, calls } = stub(() => ({ ...CAPTURED_CARD, order_no: 'SUB-1' }));
    const result = await client.chargeBillingKey({ ...chargeInput, installments: 3, buyerName: '홍길동', buyerEmail: 'a@b.kr', buyerPhone: '010-1234-5678', customerIp: '203.0.113.9' });
    assert.equal(calls[0].path, facts.hubPath);
    assert.deepEqual(calls[0].body, {
      site_cd: 'T0000', kcp_cert_info: client.kcpCertInfo, pay_method: 'CARD', cust_ip: '203.0.113.9', amount: '1100', card_mny: '1100',
      currency: facts.currencyKrw, quota: '03', ordr_idxx: 'SUB-1', good_name: '정기 구독', buyr_name: '홍길동', buyr_mail: 'a@b.kr',
      buyr_tel2: '010-1234-5678', card_tx_type: facts.cardTxTypeBilling, bt_batch_key: '2304051168518034', bt_group_id: 'BA0011000348',
    });
    assert.equal(result.tno, TNO);
    assert.equal(result.orderId, 'SUB-1');
    assert.deepEqual(result.warnings, []);
    assert.throws(() => client.prepareBillingCharge({ ...chargeInput, installments: 100 }), { field: 'quota' });
    assert.throws(() => client.prepareBillingCharge({ ...chargeInput, batchKey: '' }), { field: 'bt_batch_key' });
    client.free();
  });

  test('deletion', async () => {
    const { client, calls } = stub(() => ({ res_msg: '정상처리', res_cd: '0000' }));
    const result = await client.deleteBillingKey({ batchKey: '2304051168518034', groupId: 'BA0011000348' });
    assert.deepEqual(calls[0].body, {
      site_cd: 'T0000', kcp_cert_info: client.kcpCertInfo, batch_key: '2304051168518034', group_id: 'BA0011000348', pay_method: 'BATCH',
      tx_type: facts.txTypeBillingKeyDelete,
    });
    assert.deepEqual(result, { resCd: '0000', resMsg: '정상처리', raw: { res_msg: '정상처리', res_cd: '0000' } });
    assert.equal(client.prepareBillingKeyDelete({ batchKey: '1', groupId: 'G' }).movesMoney, false);
    client.free();
  });
});

describe('virtual accounts', () => {
  for (const code of facts.vaSuccessCodes) {
    test(`issuance succeeds with ${code}`, async () => {
      const { client, calls } = stub(() => ({ res_cd: code, res_msg: '정상처리', tno: TNO, amount: '50000', bankname: '국민은행', bankcode: 'BK04', depositor: '가맹점', account: '12345678901234', app_time: '20261201120000', va_date: '20261231235959' }));
      const va = await client.issueVirtualAccount({ ...vaInput, cashReceipt: { purpose: 'deduction', id: '01012345678' } });
      const body = calls[0].body;
      assert.deepEqual([body.pay_method, body.va_txtype, body.amount, body.va_mny, body.va_receipt_gubn, body.va_taxno], ['VCNT', facts.vaTxType, '50000', '50000', '0', '01012345678']);
      assert.deepEqual({ ...va, raw: undefined }, {
        resCd: code, resMsg: '정상처리', tno: TNO, amount: 50000, orderId: 'VA-1', bankName: '국민은행', bankCode: 'BK04', account: '12345678901234',
        depositor: '가맹점', dueAt: '20261231235959', issuedAt: '20261201120000', warnings: [], raw: undefined,
      });
      client.free();
    });
  }

  test('bad input', () => {
    const { client } = stub(() => ({}));
    assert.throws(() => client.prepareVirtualAccount({ ...vaInput, dueAt: '2026-12-31' }), { field: 'va_date' });
    assert.throws(() => client.prepareVirtualAccount({ ...vaInput, buyerName: undefined }), { field: 'buyr_name' });
    assert.throws(() => client.prepareVirtualAccount({ ...vaInput, cashReceipt: { purpose: 'tax', id: '1' } }), { field: 'va_receipt_gubn' });
    client.free();
  });
});

describe('trade registration', () => {
  test('CamelCase reply', async () => {
    const reply = { Code: '0000', Message: '정상', approvalKey: 'AK1', traceNo: 'TR1', PayUrl: 'https://testsmpay.kcp.co.kr/pay/mobileGW.kcp' };
    const { client, calls } = stub(() => reply);
    const result = await client.registerTrade({ ...tradeInput, escrow: true, userAgent: 'Mozilla/5.0' });
    assert.equal(calls[0].path, facts.tradeRegisterPath);
    assert.deepEqual(calls[0].body, {
      site_cd: 'T0000', kcp_cert_info: client.kcpCertInfo, ordr_idxx: 'M-1', good_mny: '1004', good_name: '운동화', pay_method: 'CARD',
      Ret_URL: 'https://shop.example/kcp/return', escw_used: 'Y', user_agent: 'Mozilla/5.0',
    });
    assert.deepEqual(result, { code: '0000', message: '정상', approvalKey: 'AK1', payUrl: reply.PayUrl, traceNo: 'TR1', raw: reply });
    client.free();
  });

  test('a refused Code is KCP_REJECTED', async () => {
    const { client } = stub(() => ({ Code: '8003', Message: '가맹점 오류' }));
    await assert.rejects(client.registerTrade(tradeInput), (e) => e instanceof KcpRejectedError && e.resCd === '8003' && e.resMsg === '가맹점 오류');
    assert.throws(() => client.prepareTradeRegistration({ ...tradeInput, payMethod: 'PAYPAL' }), { field: 'pay_method' });
    assert.throws(() => client.prepareTradeRegistration({ ...tradeInput, escrow: 'Y' }), { field: 'escw_used' });
    client.free();
  });

  test('hostile replies: not JSON, arrays, huge', async () => {
    for (const text of ['<html>busy</html>', '[]', '"0000"', `{"Code":"0000","x":"${'a'.repeat(1024 * 1024)}"}`]) {
      const { client } = stub(() => text);
      await assert.rejects(client.registerTrade(tradeInput), { code: 'RESPONSE_MALFORMED' });
      await assert.rejects(client.approve(approvalInput), { code: 'RESPONSE_MALFORMED' });
      client.free();
    }
  });
});

describe('approveAndRecord', () => {
  const cancelReply = { res_cd: '0000', res_msg: '정상처리', tno: TNO, canc_time: '20260101000000' };

  test('records and returns the approval', async () => {
    const { client, calls } = stub(() => CAPTURED_CARD);
    let recorded;
    const result = await client.approveAndRecord(approvalInput, async (r) => {
      recorded = r;
    });
    assert.equal(recorded, result);
    assert.equal(calls.length, 1);
    client.free();
  });

  test('the record fails, the cancel succeeds: APPROVAL_CANCELLED', async () => {
    const { client, calls } = stub((path) => (path === facts.approvalPath ? CAPTURED_CARD : cancelReply));
    const dbError = new Error('db down');
    const error = await client.approveAndRecord(approvalInput, () => Promise.reject(dbError)).catch((e) => e);
    assert.ok(error instanceof KcpError);
    assert.equal(error.code, 'APPROVAL_CANCELLED');
    assert.equal(error.cause, dbError);
    assert.equal(error.approval.tno, TNO);
    assert.equal(error.cancel.tno, TNO);
    assert.equal(calls.length, 2);
    assert.equal(calls[1].path, facts.modifyPath);
    assert.equal(calls[1].body.tno, TNO);
    assert.equal(calls[1].body.mod_type, 'STSC');
    assert.equal(calls[1].body.mod_desc, facts.autoCancelReason);
    assert.equal(typeof calls[1].body.kcp_sign_data, 'string');
    assert.match(error.message, new RegExp(TNO));
    assert.ok(ERROR_CODES.includes('APPROVAL_CANCELLED'));
    client.free();
  });

  test('the record fails, the cancel is refused: APPROVAL_CANCEL_FAILED, inquire first', async () => {
    const { client, calls } = stub((path) => (path === facts.approvalPath ? CAPTURED_CARD : { res_cd: '8012', res_msg: '취소불가-상점관리자 문의' }));
    const error = await client.approveAndRecord(approvalInput, () => {
      throw new Error('constraint violated');
    }).catch((e) => e);
    assert.equal(error.code, 'APPROVAL_CANCEL_FAILED');
    assert.equal(error.cancelError.code, 'KCP_REJECTED');
    assert.equal(error.cancelError.resCd, '8012');
    assert.equal(error.approval.tno, TNO);
    assert.equal(error.cause.message, 'constraint violated');
    assert.match(error.message, /Inquire about the transaction/);
    assert.match(error.message, /8012/);
    assert.equal(calls.length, 2, 'one cancel, never retried');
    client.free();
  });

  test("the record fails, the cancel's outcome is unknown: APPROVAL_CANCEL_FAILED, sent once", async () => {
    const { client, calls } = stub((path) => (path === facts.approvalPath ? CAPTURED_CARD : null), { timeoutMs: 50 });
    const error = await client.approveAndRecord(approvalInput, () => {
      throw new Error('x');
    }).catch((e) => e);
    assert.equal(error.code, 'APPROVAL_CANCEL_FAILED');
    assert.equal(error.cancelError.code, 'OUTCOME_UNKNOWN');
    assert.equal(error.cancelError.tno, TNO);
    assert.match(error.message, /no known outcome/);
    assert.equal(calls.length, 2);
    client.free();
  });

  test('an approval without a tno cannot be cancelled: APPROVAL_CANCEL_FAILED, nothing sent', async () => {
    const { client, calls } = stub(() => ({ res_cd: '0000', res_msg: 'ok', amount: '1100' }));
    const error = await client.approveAndRecord(approvalInput, () => {
      throw new Error('x');
    }).catch((e) => e);
    assert.equal(error.code, 'APPROVAL_CANCEL_FAILED');
    assert.deepEqual(error.approval.warnings.map((w) => w.code), ['TNO_MISSING']);
    assert.match(error.message, /carried no tno/);
    assert.equal(calls.length, 1);
    client.free();
  });

  test('an approval that fails is thrown as it is, and nothing is recorded or cancelled', async () => {
    const { client, calls } = stub(() => ({ res_cd: '8059', res_msg: 'x' }));
    let called = false;
    await assert.rejects(client.approveAndRecord(approvalInput, () => (called = true)), { code: 'KCP_REJECTED' });
    assert.equal(called, false);
    assert.equal(calls.length, 1);
    await assert.rejects(client.approveAndRecord(approvalInput, 'not a function'), { code: 'CONFIG_INVALID', field: 'record' });
    assert.equal(calls.length, 1);
    client.free();
  });
});

describe('key-in', () => {
  test('the body carries the card fields; the result is a payment', async () => {
    const { client, calls } = stub(() => ({ ...CAPTURED_CARD, order_no: 'KEYIN-1', amount: '1000', card_mny: '1000' }));
    const result = await client.keyIn(keyInInput);
    const body = calls[0].body;
    assert.deepEqual(
      [body.card_tx_type, body.card_no, body.card_expiry, body.card_taxno, body.card_pwd, body.amount, body.card_mny],
      [facts.cardTxTypeKeyIn, CARD, '2607', '951010', '00', '1000', '1000'],
    );
    assert.equal(result.method, 'card');
    assert.deepEqual(result.warnings, []);
    client.free();
  });

  test('no card number in any error, message, stack or JSON of an error', async () => {
    const texts = [];
    const collect = (e) => {
      assert.ok(e instanceof KcpError, String(e));
      texts.push(e.message, String(e), e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 5 }));
      return e;
    };
    const { client } = stub(() => ({}));
    const bad = [
      { ...keyInInput, cardNumber: '4111111111111112' },
      { ...keyInInput, cardNumber: '4111 1111 1111 1111' },
      { ...keyInInput, cardNumber: `${CARD}999` },
      { ...keyInInput, cardNumber: 4111111111111111 },
      { ...keyInInput, expiry: '2613' },
      { ...keyInInput, birthDate: '95101' },
      { ...keyInInput, cardPasswordPrefix: '123' },
      { ...keyInInput, businessNumber: '1138521083' },
      { ...keyInInput, amount: 0 },
      { ...keyInInput, goodName: 'a&b' },
      { ...keyInInput, orderId: undefined },
    ];
    for (const input of bad) {
      try {
        client.prepareKeyIn(input);
        assert.fail('accepted');
      } catch (e) {
        collect(e);
        assert.equal(e.code, 'FIELD_INVALID');
      }
    }
    for (const reply of [() => null, () => ({ res_cd: '8100', res_msg: '카드번호 오류' }), () => 'not json']) {
      const { client: c } = stub(reply, { timeoutMs: 50 });
      collect(await c.keyIn(keyInInput).catch((e) => e));
      c.free();
    }
    const { client: http } = stub(() => 'x', {
      fetch: async () => new Response('bad gateway', { status: 502 }),
    });
    collect(await http.keyIn(keyInInput).catch((e) => e));
    http.free();
    for (const text of texts) {
      for (const secret of [CARD, '411111111111', '4111 1111', '4111111111111112', '951010', 'card_pwd":"00']) {
        assert.ok(!text.includes(secret), `leaks ${secret}: ${text.slice(0, 300)}`);
      }
    }
    assert.ok(texts.length >= 5 * 15);
    client.free();
  });
});

test('prepare twins: operation, movesMoney and path of every new request', () => {
  const { client } = stub(() => ({}));
  const rows = [
    [client.prepareApproval(approvalInput), 'approval', true, facts.approvalPath],
    [client.prepareBillingKey({ tranCd: '00300001', encData: 'd', encInfo: 'i' }), 'billingKeyIssue', false, facts.approvalPath],
    [client.prepareBillingCharge(chargeInput), 'billingCharge', true, facts.hubPath],
    [client.prepareBillingKeyDelete({ batchKey: '1', groupId: 'G' }), 'billingKeyDelete', false, facts.hubPath],
    [client.prepareVirtualAccount(vaInput), 'virtualAccountIssue', true, facts.hubPath],
    [client.prepareKeyIn(keyInInput), 'keyIn', true, facts.hubPath],
    [client.prepareTradeRegistration(tradeInput), 'tradeRegistration', false, facts.tradeRegisterPath],
  ];
  for (const [p, operation, movesMoney, path] of rows) {
    assert.equal(p.operation, operation);
    assert.equal(p.movesMoney, movesMoney, operation);
    assert.equal(new URL(p.url).pathname, path, operation);
    assert.equal(p.plaintext, '', operation);
    assert.equal(JSON.parse(p.body).kcp_sign_data, undefined, operation);
    assert.equal(p.expect.operation, operation);
  }
  client.free();
});

// ---- the declarations against the runtime (as one-owner.test.mjs does for the other results) ---

const dts = (await import('node:fs')).readFileSync(new URL('../../pkg/types/index.d.ts', import.meta.url), 'utf8');

/** The members of `export interface name { ... }`: { key: optional }. Top level only. */
const members = (name) => interfaceMembers(dts, name);

function assertShape(name, value, { all = false } = {}) {
  const declared = members(name);
  for (const key of Object.keys(value)) assert.ok(key in declared, `${name}: the runtime's \`${key}\` is declared`);
  for (const [key, optional] of Object.entries(declared)) {
    if (!optional || all) assert.ok(key in value, `${name}: the declared \`${key}\` is in the runtime's object`);
  }
}

test('the payment results have exactly their declared keys', async () => {
  const full = {
    ...CAPTURED_CARD, amount: '1', cash_authno: 'C', cash_no: 'N', pnt_issue: 'SCSK', pnt_amount: '1', add_pnt: '0', use_pnt: '1', rsv_pnt: '9',
    pnt_app_time: 't', pnt_app_no: 'p',
  };
  const { client } = stub((path, body) => {
    if (path === facts.tradeRegisterPath) return { Code: '0000', Message: 'm', approvalKey: 'A', PayUrl: 'https://x', traceNo: 'T' };
    if (body.tx_type) return { res_cd: '0000', res_msg: 'ok' };
    if (body.va_txtype) return { res_cd: 'V000', res_msg: 'ok', tno: TNO, amount: '2', order_no: 'VA-1', bankname: 'b', bankcode: 'c', account: 'a', depositor: 'd', va_date: 'v', app_time: 't' };
    if (body.tran_cd === '00300001') return { res_cd: '0000', res_msg: 'ok', batch_key: 'K', card_cd: 'c', card_name: 'n', card_bank_cd: 'b' };
    return full;
  });
  const card = await client.approve(approvalInput);
  assertShape('PaymentResult', { ...card, bank: {}, virtualAccount: {}, points: {}, mobile: {}, gift: {} }, { all: true });
  assertShape('CardDetails', card.card, { all: true });
  assertShape('PointsDetails', card.card.points, { all: true });
  assertShape('CashReceiptDetails', card.cashReceipt, { all: true });
  assertShape('PaymentWarning', card.warnings[0], { all: true });
  for (const [usePayMethod, key, name, reply] of [
    ['010000000000', 'bank', 'BankDetails', { bank_name: 'n', bank_code: 'c' }],
    ['001000000000', 'virtualAccount', 'VirtualAccountDetails', { bankname: 'n', bankcode: 'c', depositor: 'd', account: 'a', va_date: 'v' }],
    ['000010000000', 'mobile', 'MobileDetails', { commid: 'c', mobile_no: 'm' }],
    ['000000001000', 'gift', 'GiftDetails', { tk_van_code: 'v', tk_app_no: 'n', tk_app_time: 't' }],
  ]) {
    const { client: c } = stub(() => ({ res_cd: '0000', tno: TNO, amount: '1100', ...reply }));
    const r = await c.approve({ ...approvalInput, usePayMethod });
    assertShape(name, r[key], { all: true });
    c.free();
  }
  assertShape('BillingKeyResult', await client.issueBillingKey({ tranCd: '00300001', encData: 'd', encInfo: 'i' }), { all: true });
  assertShape('BillingKeyDeleteResult', await client.deleteBillingKey({ batchKey: '1', groupId: 'G' }), { all: true });
  assertShape('VirtualAccountResult', await client.issueVirtualAccount(vaInput), { all: true });
  assertShape('TradeRegistrationResult', await client.registerTrade(tradeInput), { all: true });
  const prepared = client.prepareBillingCharge(chargeInput);
  assertShape('PreparedRequest', prepared, { all: true });
  assertShape('Expect', prepared.expect);
  client.free();
});
