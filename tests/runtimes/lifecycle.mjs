// The whole merchant lifecycle of issue 15 against the emulator, in process, written once and run
// in every runtime (Node, workerd, Deno, Bun, Chromium): the caller passes the package's exports
// (imported through its own runtime's condition) and KCP's public test pair, and gets a summary
// of plain values that the tests compare with one expected value (EXPECTED below).
//
// Card: window → approval → partial refund → full cancel. Billing key: window (AUTH) → issuance →
// two charges → deletion → a charge with the deleted key, refused. Virtual account: issuance →
// deposit → KCP's notification to a handler built with createNotificationHandler that refuses
// the first delivery (its callback throws) and acknowledges the re-delivery.

/** What every runtime must report. */
export const EXPECTED = {
  card: { method: 'card', payType: 'PACA', amount: 15000, refundRemaining: 10000, cancelRemaining: 0, inquiryRemaining: '0' },
  billing: { keyDigits: 16, charges: [9900, 9900], distinctTnos: true, deleted: '0000', afterDelete: 'KCP_REJECTED' },
  virtualAccount: { amount: 45000, hasAccount: true },
  notification: { kind: 'virtualAccountDeposit', amount: 45000, deliveries: 2, callbackCalls: 2, sameDedupKey: true },
  mismatch: 'KCP_REJECTED',
};

async function outcome(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    return { ok: false, code: e?.code ?? String(e?.name), resCd: e?.resCd, message: String(e?.message ?? e) };
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
    return summary;
  } finally {
    client.free();
    await emulator.close();
  }
}
