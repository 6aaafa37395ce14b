// The whole merchant lifecycle of issue 15 against the emulator, in process, written once and run
// in every runtime (Node, workerd, Deno, Bun, Chromium): the caller passes the package's exports
// (imported through its own runtime's condition) and KCP's public test pair, and gets a summary
// of plain values that the tests compare with one expected value (EXPECTED below).
//
// Card: window → approval → partial refund → full cancel. Billing key: window (AUTH) → issuance →
// two charges → deletion → a charge with the deleted key, refused. Virtual account: issuance →
// deposit → KCP's notification to a handler built with createNotificationHandler that refuses
// the first delivery (its callback throws) and acknowledges the re-delivery. Key-in: a payment
// with a card number (masked in the reply, never in an error, the emulator's log or the summary),
// a number with a wrong check digit (refused before sending) and an expired card (refused by the
// emulator). Trade registration (mobile window): approvalKey → the window → approval.

/** What every runtime must report. */
export const EXPECTED = {
  card: { method: 'card', payType: 'PACA', amount: 15000, refundRemaining: 10000, cancelRemaining: 0, inquiryRemaining: '0' },
  billing: { keyDigits: 16, charges: [9900, 9900], distinctTnos: true, deleted: '0000', afterDelete: 'KCP_REJECTED' },
  virtualAccount: { amount: 45000, hasAccount: true },
  notification: { kind: 'virtualAccountDeposit', amount: 45000, deliveries: 2, callbackCalls: 2, sameDedupKey: true },
  keyIn: {
    method: 'card', amount: 12000, maskedNumber: '411111******1111',
    badCheckDigit: 'FIELD_INVALID card_no', expired: 'KCP_REJECTED E331', numberQuoted: false,
  },
  trade: { code: '0000', hasApprovalKey: true, payUrlPath: '/__emulator/window', method: 'card', amount: 20000, orderId: 'MOBILE-1' },
  mismatch: 'KCP_REJECTED',
};

/** A test card number (Visa's, passes the Luhn check); anything that quotes it fails the summary. */
const CARD_NUMBER = '4111111111111111';
/** The same with a wrong check digit. */
const BAD_CARD_NUMBER = '4111111111111112';

function safeJson(value) {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

async function outcome(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    return { ok: false, code: e?.code ?? String(e?.name), resCd: e?.resCd, field: e?.field, message: String(e?.message ?? e), json: safeJson(e) };
  }
}

/**
 * @param {{ KcpClient: any, createNotificationHandler: any, createKcpEmulator: any,
 *   certificate: string, privateKey: string, password: string }} kcp
 */
export async function lifecycle({ KcpClient, createNotificationHandler, createKcpEmulator, certificate, privateKey, password }) {
  const seen = [];
  const handle = createNotificationHandler({
    allowAnyIp: true, // in process: there is no peer address to check
    async onNotification(notification) {
      seen.push(notification);
      if (seen.length === 1) throw new Error('the database is down (first delivery)');
    },
  });
  const emulator = createKcpEmulator({
    merchants: [{ siteCd: 'T0000', certificate }],
    notifyUrl: 'http://merchant.test/kcp/notify',
    notifyFetch: (url, init) => handle(new Request(url, init)),
    notifyIntervalMs: 10,
  });
  const client = new KcpClient({ siteCd: 'T0000', certificate, privateKey, password, fetch: emulator.fetch, timeoutMs: 5000 });
  const emulatorCall = async (path, body) => {
    const response = await emulator.fetch(`http://kcp.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json();
  };
  const summary = {};
  try {
    // ---- card: window → approval → refund → cancel ------------------------------------------
    const cardWindow = await emulatorCall('/__emulator/window', { site_cd: 'T0000', ordr_idxx: 'ORDER-1', good_mny: '15000', pay_method: 'CARD' });
    const mismatch = await outcome(client.approve({ tranCd: cardWindow.tran_cd, encData: cardWindow.enc_data, encInfo: cardWindow.enc_info, amount: 14000 }));
    summary.mismatch = mismatch.ok ? 'approved' : mismatch.code;
    const again = await emulatorCall('/__emulator/window', { site_cd: 'T0000', ordr_idxx: 'ORDER-1', good_mny: '15000', pay_method: 'CARD' });
    const payment = await client.approve({ tranCd: again.tran_cd, encData: again.enc_data, encInfo: again.enc_info, amount: 15000 });
    const refund = await client.refund({ tno: payment.tno, amount: 5000, remaining: 15000 });
    const cancel = await client.cancel({ tno: payment.tno });
    const inquiry = await client.inquire({ tno: payment.tno, payType: payment.payType });
    summary.card = {
      method: payment.method,
      payType: payment.payType,
      amount: payment.amount,
      refundRemaining: refund.remaining,
      cancelRemaining: cancel.remaining,
      inquiryRemaining: inquiry.raw.rem_mny,
    };

    // ---- billing key: issue → charge ×2 → delete → refused ------------------------------------
    const authWindow = await emulatorCall('/__emulator/window', { site_cd: 'T0000', ordr_idxx: 'SUB-1', good_mny: '0', pay_method: 'AUTH' });
    const key = await client.issueBillingKey({ tranCd: authWindow.tran_cd, encData: authWindow.enc_data, encInfo: authWindow.enc_info });
    const groupId = 'T00001000001';
    const charges = [];
    for (const n of [1, 2]) {
      charges.push(await client.chargeBillingKey({ batchKey: key.batchKey, groupId, orderId: `SUB-1-${n}`, amount: 9900, goodName: 'Monthly plan' }));
    }
    const deleted = await client.deleteBillingKey({ batchKey: key.batchKey, groupId });
    const afterDelete = await outcome(client.chargeBillingKey({ batchKey: key.batchKey, groupId, orderId: 'SUB-1-3', amount: 9900, goodName: 'Monthly plan' }));
    summary.billing = {
      keyDigits: /^\d+$/.test(key.batchKey) ? key.batchKey.length : -1,
      charges: charges.map((c) => c.amount),
      distinctTnos: charges[0].tno !== charges[1].tno,
      deleted: deleted.resCd,
      afterDelete: afterDelete.ok ? 'charged' : afterDelete.code,
    };

    // ---- virtual account: issue → deposit → notification, refused once, then acknowledged ------
    const va = await client.issueVirtualAccount({
      orderId: 'ORDER-VA-1', amount: 45000, goodName: 'Desk lamp', buyerName: '홍길동',
      bankCode: 'BK04', depositor: '홍길동', dueAt: '20301231235959',
    });
    summary.virtualAccount = { amount: va.amount, hasAccount: typeof va.account === 'string' && va.account.length > 0 };
    await emulatorCall('/__emulator/deposit', { tno: va.tno, amount: 45000 });
    await emulator.settled();
    const deliveries = emulator.notifications().filter((d) => d.tno === va.tno);
    summary.notification = {
      kind: seen[0]?.kind,
      amount: seen[0]?.deposit?.amount,
      deliveries: deliveries.length,
      callbackCalls: seen.length,
      sameDedupKey: seen.length === 2 && seen[0].dedupKey === seen[1].dedupKey,
    };

    // ---- key-in: a card number, one with a wrong check digit, an expired card -----------------
    const keyIn = { orderId: 'KEYIN-1', amount: 12000, goodName: 'Gift card', cardNumber: CARD_NUMBER, expiry: '9912', birthDate: '800101' };
    const keyed = await client.keyIn(keyIn);
    const badDigit = await outcome(client.keyIn({ ...keyIn, orderId: 'KEYIN-2', cardNumber: BAD_CARD_NUMBER }));
    const expired = await outcome(client.keyIn({ ...keyIn, orderId: 'KEYIN-3', expiry: '0001' }));
    const quotes = (text) => text.includes(CARD_NUMBER) || text.includes(BAD_CARD_NUMBER);
    summary.keyIn = {
      method: keyed.method,
      amount: keyed.amount,
      maskedNumber: keyed.raw.card_no,
      badCheckDigit: badDigit.ok ? 'charged' : `${badDigit.code} ${badDigit.field}`,
      expired: expired.ok ? 'charged' : `${expired.code} ${expired.resCd}`,
      numberQuoted: [badDigit.message, badDigit.json, expired.message, expired.json, safeJson(keyed), safeJson(emulator.requests()), safeJson(emulator.ledgers())].some(quotes),
    };

    // ---- trade registration (mobile window): approvalKey → window → approval ------------------
    const trade = await client.registerTrade({ orderId: 'MOBILE-1', amount: 20000, goodName: 'Shoes', payMethod: 'CARD', returnUrl: 'https://merchant.test/kcp/return' });
    const mobileWindow = await (await emulator.fetch(trade.payUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ approval_key: trade.approvalKey }),
    })).json();
    const mobile = await client.approve({
      tranCd: mobileWindow.tran_cd, encData: mobileWindow.enc_data, encInfo: mobileWindow.enc_info,
      amount: 20000, usePayMethod: mobileWindow.use_pay_method, orderId: 'MOBILE-1',
    });
    summary.trade = {
      code: trade.code,
      hasApprovalKey: typeof trade.approvalKey === 'string' && trade.approvalKey.length > 0,
      payUrlPath: new URL(trade.payUrl).pathname,
      method: mobile.method,
      amount: mobile.amount,
      orderId: mobile.orderId,
    };
    return summary;
  } finally {
    client.free();
    await emulator.close();
  }
}
