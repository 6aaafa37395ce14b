// The emulator's payment lifecycle: the payment window (an emulator route standing in for what
// KCP's window hands the merchant's page), the approval (`facts.approvalPath`), the hub
// (`facts.hubPath`: billing-key charge and deletion, key-in, virtual-account issuance), trade
// registration (`facts.tradeRegisterPath`) and the deposit into a virtual account (an emulator
// route that triggers KCP's notification). Wire contracts and their grades: beyond-cancel.md
// §1–§4. Every KCP fact (paths, tran_cd, pay methods and types, tx types, currency, tx_cd) is
// the core's (`facts`, kcpFacts()); what is made up here (card and bank names, account numbers,
// keys) is the emulator's own test data.
import { refuse } from './refusals.js';
import { kcpTime, randomDigits } from './ledger.js';

export const WINDOW_PATH = '/__emulator/window';
export const DEPOSIT_PATH = '/__emulator/deposit';
export const NOTIFICATIONS_PATH = '/__emulator/notifications';

const SUCCESS = { res_cd: '0000', res_msg: '정상처리', res_en_msg: 'processing completed' };

// The emulator's test data: one card, banks by code, a window-side card mask.
const CARD = { card_cd: 'CCLG', card_name: '신한카드', card_bank_cd: '0301', card_mask_no: '461954******7815' };
const BANKS = new Map(Object.entries({ BK03: 'IBK기업은행', BK04: 'KB국민은행', BK11: 'NH농협은행', BK20: '우리은행', BK26: '신한은행', BK81: '하나은행' }));
const DEFAULT_BANK = 'BK26';
const TEST_BANK_NAME = '테스트은행';
const VA_DAYS = 3; // the deposit deadline, in days, when the request gives none
const DEFAULT_DEPOSITOR = '홍길동'; // the depositor of a window's virtual account without a buyer name

/** A well-formed billing group id: a site_cd-like prefix, then digits (observed: site_cd + 7 digits, §2.5, C). */
const GROUP_ID = /^[A-Za-z0-9]{5}[0-9]{1,15}$/;

/**
 * Builds the lifecycle routes. `checks`: routes.js's `{ requireString, requireAmount,
 * certified }`; `notifier`: notifier.js; `groupId`: the merchant's own billing group, if given
 * (then only it is accepted); `vaSuccessCode`: the `res_cd` of a virtual-account issuance.
 */
export function createPaymentRoutes({ ledger, facts, clock, checks, notifier, groupId, vaSuccessCode }) {
  const { requireString, requireAmount, certified } = checks;
  const methodByName = new Map(facts.payMethods.map((m) => [m.name, m]));
  // The window's pay_method (KCP's mobile pay_method names) → the payment method it stands for.
  const WINDOW_METHODS = new Map([['CARD', 'card'], ['BANK', 'bank'], ['VCNT', 'virtualAccount']]);
  const BILLING_KEY_WINDOW = 'AUTH';
  for (const m of [...WINDOW_METHODS.keys(), BILLING_KEY_WINDOW]) {
    if (!facts.tradePayMethods.includes(m)) throw new Error(`kcp-emulator: ${m} is not one of the core's trade pay methods`);
  }
  const depositTx = facts.notification.txCodes.find((t) => t.name === 'virtualAccountDeposit');
  const hubPay = facts.hubPayMethods;

  /** enc_data → window session */
  const windows = new Map();
  /** approvalKey → trade registration */
  const trades = new Map();
  let notiSequence = 0;

  // ---- the payment window (emulator route) -----------------------------------------------

  function paymentWindow(body) {
    let request = body;
    if (body.approval_key !== undefined) {
      // The mobile flow: the window opened with trade registration's approval key.
      const trade = trades.get(requireString(body, 'approval_key'));
      if (!trade) refuse('E342', 'approval_key');
      request = { ...trade.request, ...(body.kcp_group_id !== undefined ? { kcp_group_id: body.kcp_group_id } : {}), ...(body.buyr_name !== undefined ? { buyr_name: body.buyr_name } : {}) };
    }
    const siteCd = requireString(request, 'site_cd');
    const orderNo = requireString(request, 'ordr_idxx');
    const payMethod = requireString(request, 'pay_method');
    const billing = payMethod === BILLING_KEY_WINDOW;
    if (!billing && !WINDOW_METHODS.has(payMethod)) refuse('E102', 'pay_method');
    const amount = billing && (request.good_mny === undefined || request.good_mny === '') ? 0 : requireAmount(request, 'good_mny');
    if (!billing && amount === 0) refuse('E102', 'good_mny');
    if (!ledger.merchant(siteCd)) refuse('E200', 'site_cd');
    let group;
    if (billing) {
      group = request.kcp_group_id ?? groupId;
      if (group !== undefined && (typeof group !== 'string' || !GROUP_ID.test(group))) refuse('E102', 'kcp_group_id');
      if (groupId !== undefined && group !== groupId) refuse('E322', 'kcp_group_id');
    }

    const encData = opaque(96);
    const encInfo = opaque(24);
    const tranCd = billing ? facts.tranCdBillingKey : facts.tranCdPayment;
    const method = billing ? undefined : methodByName.get(WINDOW_METHODS.get(payMethod));
    if (request.buyr_name !== undefined && typeof request.buyr_name !== 'string') refuse('E102', 'buyr_name');
    windows.set(encData, { encInfo, siteCd, orderNo, amount, payMethod, tranCd, groupId: group, buyer: request.buyr_name, used: false });
    return {
      res_cd: '0000',
      res_msg: '정상처리',
      enc_data: encData,
      enc_info: encInfo,
      tran_cd: tranCd,
      site_cd: siteCd,
      ordr_idxx: orderNo,
      good_mny: String(amount),
      use_pay_method: billing ? hubPay.billingKey : method.usePayMethod,
      ...(billing ? { pay_method: BILLING_KEY_WINDOW, card_mask_no: CARD.card_mask_no, ...(group ? { kcp_group_id: group } : {}) } : {}),
    };
  }

  // ---- the approval: facts.approvalPath ---------------------------------------------------

  function approve(body) {
    for (const f of ['tran_cd', 'site_cd', 'kcp_cert_info', 'enc_data', 'enc_info']) requireString(body, f);
    const merchant = certified(body);
    const session = windows.get(body.enc_data);
    if (!session || session.encInfo !== body.enc_info) refuse('E310', 'enc_data');
    if (session.siteCd !== merchant.siteCd) refuse('E313', 'site_cd');
    if (session.used) refuse('E311', 'enc_data');
    if (body.tran_cd !== session.tranCd) refuse('E312', 'tran_cd');
    const time = clock();
    const appTime = kcpTime(time);

    if (session.tranCd === facts.tranCdBillingKey) {
      // Billing-key issuance: no ordr_mony, no tno (§2.2).
      session.used = true;
      const key = ledger.issueBillingKey({ siteCd: merchant.siteCd, groupId: session.groupId, cardCd: CARD.card_cd, cardName: CARD.card_name, cardMask: CARD.card_mask_no, issuedAt: appTime });
      return {
        ...SUCCESS,
        batch_key: key.batchKey,
        card_cd: CARD.card_cd,
        card_name: CARD.card_name,
        card_bank_cd: CARD.card_bank_cd,
        card_bin_type_01: '0',
        card_bin_type_02: '0',
        van_tx_id: randomDigits(12),
        join_cd: '0000',
      };
    }

    const ordrMony = requireAmount(body, 'ordr_mony');
    if (ordrMony !== session.amount) refuse('8059', `ordr_mony ${ordrMony} ≠ ${session.amount}`);
    const name = WINDOW_METHODS.get(session.payMethod);
    const method = methodByName.get(name);
    session.used = true;
    if (name === 'virtualAccount') {
      const entry = openVirtualAccount({ merchant, amount: session.amount, orderNo: session.orderNo, depositor: session.buyer ?? DEFAULT_DEPOSITOR, buyer: session.buyer, bankCode: DEFAULT_BANK, origin: 'window' }, time);
      return virtualAccountReply(entry, appTime);
    }
    const entry = ledger.open({ siteCd: merchant.siteCd, payType: method.payType, amount: session.amount, orderNo: session.orderNo, method: name, origin: 'window' }, time);
    const common = paymentReply(entry, appTime);
    if (name === 'bank') return { ...common, bank_name: BANKS.get(DEFAULT_BANK), bank_code: DEFAULT_BANK };
    return { ...common, ...cardFields(entry, appTime, '00') };
  }

  /** What every payment reply says of its transaction (KCP's names, amounts as strings). */
  function paymentReply(entry, appTime) {
    return { ...SUCCESS, tno: entry.tno, amount: String(entry.amount), order_no: entry.orderNo, app_time: appTime, pay_method: entry.payType };
  }

  function cardFields(entry, appTime, quota) {
    return {
      card_cd: CARD.card_cd,
      card_name: CARD.card_name,
      app_no: randomDigits(8),
      app_time: appTime,
      quota,
      noinf: 'N',
      partcanc_yn: 'Y',
      escw_yn: 'N',
      card_mny: String(entry.amount),
    };
  }

  // ---- the hub: facts.hubPath ---------------------------------------------------------------

  function hub(body) {
    for (const f of ['site_cd', 'kcp_cert_info']) requireString(body, f);
    if (body.tx_type !== undefined && body.tx_type === facts.txTypeBillingKeyDelete) return deleteBillingKey(body);
    if (body.card_tx_type === facts.cardTxTypeBilling) return chargeBillingKey(body);
    if (body.card_tx_type === facts.cardTxTypeKeyIn) return keyIn(body);
    if (body.pay_method === hubPay.virtualAccount) return issueVirtualAccount(body);
    refuse('E340', 'tx_type/card_tx_type/pay_method');
  }

  /** The amount fields of a hub payment: `amount` must equal `other` (card_mny, va_mny), in won. */
  function hubAmount(body, other) {
    const amount = requireAmount(body, 'amount');
    if (amount === 0) refuse('E102', 'amount');
    if (requireAmount(body, other) !== amount) refuse('E102', `${other} ≠ amount`);
    if (requireString(body, 'currency') !== facts.currencyKrw) refuse('E102', 'currency');
    return amount;
  }

  function quotaOf(body) {
    if (body.quota === undefined || body.quota === '') return '00';
    if (typeof body.quota !== 'string' || !/^[0-9]{2}$/.test(body.quota)) refuse('E102', 'quota');
    return body.quota;
  }

  function checkGroup(value, name, key) {
    if (typeof value !== 'string' || !GROUP_ID.test(value)) refuse('E102', name);
    if (groupId !== undefined && value !== groupId) refuse('E322', name);
    if (key?.groupId !== undefined && value !== key.groupId) refuse('E322', name);
  }

  function cardPayment(body, merchant, extra, time) {
    const entry = ledger.open({ siteCd: merchant.siteCd, payType: methodByName.get('card').payType, amount: extra.amount, orderNo: body.ordr_idxx, method: 'card', origin: extra.origin, billingKey: extra.billingKey }, time);
    const appTime = kcpTime(time);
    return {
      ...paymentReply(entry, appTime),
      ...cardFields(entry, appTime, extra.quota),
      card_no: extra.cardMask,
      res_tax_flag: 'TG01',
      res_free_mny: '0',
    };
  }

  function chargeBillingKey(body) {
    for (const f of ['pay_method', 'ordr_idxx', 'good_name', 'bt_batch_key', 'bt_group_id']) requireString(body, f);
    if (body.pay_method !== hubPay.card) refuse('E102', 'pay_method');
    const amount = hubAmount(body, 'card_mny');
    const quota = quotaOf(body);
    const merchant = certified(body);
    const key = ledger.findBillingKey(merchant, body.bt_batch_key);
    checkGroup(body.bt_group_id, 'bt_group_id', key);
    const time = clock();
    const reply = cardPayment(body, merchant, { amount, quota, origin: 'billing-key', billingKey: key.batchKey, cardMask: key.cardMask }, time);
    ledger.recordCharge(key.batchKey, reply.tno);
    return reply;
  }

  function deleteBillingKey(body) {
    for (const f of ['pay_method', 'batch_key', 'group_id']) requireString(body, f);
    if (body.pay_method !== hubPay.billingKey) refuse('E102', 'pay_method');
    const merchant = certified(body);
    const key = ledger.findBillingKey(merchant, body.batch_key);
    checkGroup(body.group_id, 'group_id', key);
    ledger.deleteBillingKey(key.batchKey, kcpTime(clock()));
    return { res_cd: '0000', res_msg: '정상처리' };
  }

  function keyIn(body) {
    for (const f of ['pay_method', 'ordr_idxx', 'good_name', 'card_no', 'card_expiry']) requireString(body, f);
    if (body.pay_method !== hubPay.card) refuse('E102', 'pay_method');
    const amount = hubAmount(body, 'card_mny');
    const quota = quotaOf(body);
    // Never the number itself in a refusal, a log or the ledger.
    const cardNo = body.card_no.replace(/[\s-]/g, '');
    if (!/^[0-9]{13,19}$/.test(cardNo) || !luhn(cardNo)) refuse('E330', 'card_no');
    const time = clock();
    if (!validExpiry(body.card_expiry, time)) refuse('E331', 'card_expiry');
    if (body.card_taxno !== undefined && (typeof body.card_taxno !== 'string' || !/^([0-9]{6}|[0-9]{10})$/.test(body.card_taxno))) refuse('E102', 'card_taxno');
    if (body.card_pwd !== undefined && (typeof body.card_pwd !== 'string' || !/^[0-9]{2}$/.test(body.card_pwd))) refuse('E102', 'card_pwd');
    const merchant = certified(body);
    const cardMask = `${cardNo.slice(0, 6)}${'*'.repeat(cardNo.length - 10)}${cardNo.slice(-4)}`;
    return cardPayment(body, merchant, { amount, quota, origin: 'key-in', cardMask }, time);
  }

  function issueVirtualAccount(body) {
    for (const f of ['ordr_idxx', 'good_name', 'va_txtype', 'va_name']) requireString(body, f);
    if (body.va_txtype !== facts.vaTxType) refuse('E340', 'va_txtype');
    const amount = hubAmount(body, 'va_mny');
    let bankCode = DEFAULT_BANK;
    if (body.va_bankcode !== undefined && body.va_bankcode !== '') bankCode = requireString(body, 'va_bankcode');
    if (body.va_date !== undefined && body.va_date !== '' && (typeof body.va_date !== 'string' || !/^[0-9]{8}([0-9]{6})?$/.test(body.va_date))) refuse('E102', 'va_date');
    const merchant = certified(body);
    const time = clock();
    const entry = openVirtualAccount({ merchant, amount, orderNo: body.ordr_idxx, depositor: body.va_name, buyer: body.buyr_name, bankCode, dueDate: body.va_date || undefined, origin: 'hub' }, time);
    return { ...virtualAccountReply(entry, kcpTime(time)), res_cd: vaSuccessCode, va_name: body.va_name };
  }

  function openVirtualAccount({ merchant, amount, orderNo, depositor, buyer, bankCode, dueDate, origin }, time) {
    const due = dueDate ?? kcpTime(new Date(time.getTime() + VA_DAYS * 86_400_000)).slice(0, 8) + '235959';
    const entry = ledger.open({
      siteCd: merchant.siteCd,
      payType: methodByName.get('virtualAccount').payType,
      amount,
      orderNo,
      method: 'virtualAccount',
      origin,
      state: 'awaiting-deposit',
      virtualAccount: { bankCode, bankName: BANKS.get(bankCode) ?? TEST_BANK_NAME, account: `${9}${randomDigits(13)}`, depositor, buyer: buyer ?? depositor, dueDate: due, issuedAmount: amount },
    }, time);
    return entry;
  }

  function virtualAccountReply(entry, appTime) {
    const va = entry.virtualAccount;
    return {
      ...paymentReply(entry, appTime),
      bankname: va.bankName,
      bankcode: va.bankCode,
      depositor: va.depositor,
      account: va.account,
      va_date: va.dueDate,
      escw_yn: 'N',
    };
  }

  // ---- trade registration: facts.tradeRegisterPath -----------------------------------------

  function tradeRegister(body, origin) {
    for (const f of ['site_cd', 'kcp_cert_info', 'ordr_idxx', 'good_name', 'pay_method', 'Ret_URL']) requireString(body, f);
    if (!facts.tradePayMethods.includes(body.pay_method)) refuse('E102', 'pay_method');
    if (body.pay_method !== BILLING_KEY_WINDOW) requireAmount(body, 'good_mny');
    certified(body);
    const approvalKey = opaque(32);
    const traceNo = randomDigits(16);
    trades.set(approvalKey, { request: { site_cd: body.site_cd, ordr_idxx: body.ordr_idxx, good_mny: body.good_mny, pay_method: body.pay_method }, retUrl: body.Ret_URL });
    return { Code: '0000', Message: '정상처리', approvalKey, traceNo, PayUrl: `${origin}${WINDOW_PATH}` };
  }

  // ---- the deposit (emulator route) --------------------------------------------------------

  function deposit(body) {
    const tno = requireString(body, 'tno');
    const amount = requireAmount(body, 'amount');
    if (amount === 0) refuse('E102', 'amount');
    if (body.remitter !== undefined && typeof body.remitter !== 'string') refuse('E102', 'remitter');
    const entry = ledger.awaitingDeposit(tno);
    const va = entry.virtualAccount;
    const time = kcpTime(clock());
    notiSequence += 1;
    const notiId = `${time}${String(notiSequence).padStart(6, '0')}`;
    const remitter = body.remitter ?? va.depositor;
    ledger.deposit(entry, { amount, time, notiId, remitter });
    const fields = {
      site_cd: entry.siteCd,
      tno: entry.tno,
      order_no: entry.orderNo ?? '',
      tx_cd: depositTx.code,
      tx_tm: time,
      ipgm_name: va.buyer ?? '',
      ipgm_mnyx: String(amount),
      totl_mnyx: String(amount),
      ipgm_time: time,
      bank_code: va.bankCode,
      account: va.account,
      noti_id: notiId,
      // A deposit: anything but facts.notification.opCdDepositCancelled; 50 is what third
      // parties observe for one (beyond-cancel.md §4.2).
      op_cd: '50',
      remitter,
    };
    const notified = notifier.deliver(fields);
    return { ...SUCCESS, tno: entry.tno, noti_id: notiId, notify_url: notified ? notifier.url() : null, notification: fields };
  }

  function notifications() {
    return { res_cd: '0000', pending: notifier.pending(), deliveries: notifier.log() };
  }

  return { paymentWindow, approve, hub, tradeRegister, deposit, notifications };
}

/** An opaque, URL-safe random token of `bytes` random bytes. */
function opaque(bytes) {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** YYMM, a real month, not before this month (KST). */
function validExpiry(value, now) {
  if (!/^[0-9]{4}$/.test(value)) return false;
  const yy = Number(value.slice(0, 2));
  const mm = Number(value.slice(2));
  if (mm < 1 || mm > 12) return false;
  const today = kcpTime(now);
  const thisMonth = Number(today.slice(2, 4)) * 12 + Number(today.slice(4, 6)) - 1;
  return yy * 12 + (mm - 1) >= thisMonth;
}
