// The emulator's endpoints: the cancel/modify and inquiry routes, their request checks and
// their replies in KCP's shape, and the dispatch to the payment lifecycle (payments.js: window,
// approval, hub, trade registration, deposit). Balances and money rules are the ledger's
// (ledger.js); paths, limits and the tno rule are the core's (`facts`, kcpFacts()).
import { Refusal, refuse, refusalMessage } from './refusals.js';
import { createPaymentRoutes, WINDOW_PATH, DEPOSIT_PATH, NOTIFICATIONS_PATH } from './payments.js';
import { kcpTime } from './ledger.js';

// The public names of KCP's paths; the emulator itself routes by the core's (`facts`), and a
// test checks that these equal them.
export const CANCEL_PATH = '/gw/mod/v1/cancel';
export const INQUIRY_PATH = '/std/inquery';

const SUCCESS = { res_cd: '0000', res_msg: '정상처리', res_en_msg: 'processing completed' };
const encoder = new TextEncoder();

/**
 * Builds the router. `answer(method, path, fields)` returns `{ status, reply }`: the HTTP
 * status and KCP's JSON reply (a success, or a refusal with the emulator's res_cd).
 */
export function createRoutes({ ledger, verifier, facts, clock, notifier, groupId, vaSuccessCode }) {
  const { tnoPattern, amountOf } = ledger;

  // ---- checks shared by both routes --------------------------------------------------

  function requireString(body, name) {
    if (!(name in body) || body[name] === null || body[name] === '') refuse('E101', name);
    if (typeof body[name] !== 'string') refuse('E102', name);
    return body[name];
  }

  function requireAmount(body, name) {
    if (!(name in body) || body[name] === null || body[name] === '') refuse('E101', name);
    const v = amountOf(body[name]);
    if (v === null) refuse('E102', name);
    return v;
  }

  /** The merchant named by site_cd, whose certificate kcp_cert_info must be: E200, E201. */
  function certified(body) {
    const merchant = ledger.merchant(body.site_cd);
    if (!merchant) refuse('E200', 'site_cd');
    if (body.kcp_cert_info !== merchant.certInfo) refuse('E201', 'kcp_cert_info');
    return merchant;
  }

  function authenticate(body, plaintextField) {
    const merchant = certified(body);
    const plaintext = `${body.site_cd}^${body.tno}^${body[plaintextField]}`;
    let ok = false;
    try {
      ok = verifier.verifySignature(merchant.certificate, plaintext, body.kcp_sign_data) === true;
    } catch {
      ok = false; // a signature that is not even base64 simply does not verify
    }
    if (!ok) refuse('E202', 'kcp_sign_data');
    return merchant;
  }

  // ---- the two endpoints ---------------------------------------------------------------

  function cancel(body) {
    for (const f of ['site_cd', 'tno', 'kcp_cert_info', 'kcp_sign_data', 'mod_type']) requireString(body, f);
    if (!tnoPattern.test(body.tno)) refuse('E102', 'tno');
    if (body.mod_desc !== undefined && (typeof body.mod_desc !== 'string' || encoder.encode(body.mod_desc).length > facts.maxReasonBytes)) {
      refuse('E102', 'mod_desc');
    }
    const partial = body.mod_type === 'STPC';
    let modMny, remMny, tax;
    if (partial) {
      modMny = requireAmount(body, 'mod_mny');
      remMny = requireAmount(body, 'rem_mny');
      if (modMny === 0) refuse('E102', 'mod_mny');
      if (body.tax_flag !== undefined) {
        if (body.tax_flag !== 'TG03') refuse('E102', 'tax_flag');
        tax = {
          taxable: requireAmount(body, 'mod_tax_mny'),
          vat: requireAmount(body, 'mod_vat_mny'),
          taxFree: requireAmount(body, 'mod_free_mny'),
        };
        if (tax.taxable + tax.vat + tax.taxFree !== modMny) refuse('E102', 'mod_tax_mny');
      }
    }

    const merchant = authenticate(body, 'mod_type');
    if (body.mod_type !== 'STSC' && body.mod_type !== 'STPC') refuse('E304', 'mod_type');
    const entry = ledger.find(merchant, body.tno);
    ledger.assertCancellable(entry);

    const cancTime = kcpTime(clock());
    if (!partial) {
      const cancelled = ledger.cancelFull(entry, cancTime);
      return {
        ...SUCCESS,
        tno: entry.tno,
        mod_type: 'STSC',
        pay_type: entry.payType,
        amount: String(entry.amount),
        canc_time: cancTime,
        mod_mny: String(cancelled),
        rem_mny: '0',
        canc_mod_mny: String(cancelled),
        coupon_mod_mny: '0',
      };
    }
    ledger.assertRefundable(entry);
    ledger.cancelPartial(entry, { modMny, remMny, tax }, cancTime);
    return {
      ...SUCCESS,
      tno: entry.tno,
      mod_type: 'STPC',
      pay_type: entry.payType,
      amount: String(entry.amount),
      canc_time: cancTime,
      mod_mny: String(modMny),
      rem_mny: String(entry.remaining),
      mod_pacn_seq_no: String(entry.partialSequence),
      canc_mod_mny: String(modMny),
      coupon_mod_mny: '0',
    };
  }

  function inquire(body) {
    for (const f of ['site_cd', 'tno', 'kcp_cert_info', 'kcp_sign_data', 'pay_type']) requireString(body, f);
    const merchant = authenticate(body, 'pay_type');
    const entry = ledger.find(merchant, body.tno);
    if (entry.payType !== body.pay_type) refuse('E305', 'pay_type');
    const last = entry.history.at(-1);
    return {
      ...SUCCESS,
      tno: entry.tno,
      pay_type: entry.payType,
      amount: String(entry.amount),
      rem_mny: String(entry.remaining),
      canc_mny: String(entry.amount - entry.remaining),
      canc_yn: entry.state === 'cancelled' ? 'Y' : 'N',
      tran_state: entry.state,
      mod_pacn_seq_no: String(entry.partialSequence),
      ...(last ? { canc_time: last.cancTime } : {}),
    };
  }

  const payments = createPaymentRoutes({
    ledger, facts, clock, notifier, groupId, vaSuccessCode,
    checks: { requireString, requireAmount, certified },
  });

  /** path → { method, run(fields, origin) }: KCP's endpoints, then the emulator's own. */
  const ROUTES = new Map([
    [facts.modifyPath, { method: 'POST', run: cancel }],
    [facts.inquiryPath, { method: 'POST', run: inquire }],
    [facts.approvalPath, { method: 'POST', run: payments.approve }],
    [facts.hubPath, { method: 'POST', run: payments.hub }],
    [facts.tradeRegisterPath, { method: 'POST', run: payments.tradeRegister, camelCase: true }],
    [WINDOW_PATH, { method: 'POST', run: payments.paymentWindow }],
    [DEPOSIT_PATH, { method: 'POST', run: payments.deposit }],
    [NOTIFICATIONS_PATH, { method: 'GET', run: payments.notifications, noBody: true }],
  ]);

  /**
   * `fields` is the parsed JSON object body, or undefined when the body is not one; `origin`
   * the scheme and host the request was sent to (for URLs the emulator hands out).
   */
  function answer(method, path, fields, origin = 'http://kcp-emulator.invalid') {
    const route = ROUTES.get(path);
    if (!route) {
      return { status: 404, reply: { res_cd: '404', res_msg: 'not found', res_en_msg: `no such endpoint: ${path}` } };
    }
    if (method !== route.method) {
      return { status: 405, reply: { res_cd: '405', res_msg: 'method not allowed', res_en_msg: `use ${route.method}` } };
    }
    try {
      if (!fields && !route.noBody) refuse('E100');
      return { status: 200, reply: route.run(fields, origin) };
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      const r = refusalMessage(e.code);
      const reply = {
        res_cd: e.code,
        // The field name helps in either language; balances are spelled out in English only.
        res_msg: e.detail && (e.code === 'E101' || e.code === 'E102') ? `${r.ko} (${e.detail})` : r.ko,
        res_en_msg: e.detail ? `${r.en} (${e.detail})` : r.en,
        ...(typeof fields?.tno === 'string' ? { tno: fields.tno } : {}),
      };
      // Trade registration answers in CamelCase (beyond-cancel.md §1.6).
      if (route.camelCase) return { status: 200, reply: { Code: reply.res_cd, Message: reply.res_msg, EnMessage: reply.res_en_msg } };
      return { status: 200, reply };
    }
  }

  return { answer };
}
