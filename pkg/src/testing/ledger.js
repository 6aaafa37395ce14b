// The emulator's ledger: registered merchants, their transactions and balances, and KCP's
// money rules (what may be cancelled, and how much). The request checks and reply shapes are
// routes.js's; this file never sees a request body.
import { refuse } from './refusals.js';

/**
 * Builds a ledger. `merchants` is [{ siteCd, certificate }] (the first is the default for
 * seeded transactions), `verifier.serializeCertificate` gives each merchant's kcp_cert_info,
 * `facts` is the core's kcpFacts() (the tno rule, MAX_AMOUNT).
 */
export function createLedger({ merchants, transactions, verifier, facts }) {
  const tnoPattern = new RegExp(`^[0-9]{1,${facts.tnoMaxDigits}}$`);
  if (!Array.isArray(merchants) || merchants.length === 0) {
    throw new TypeError('createKcpEmulator: `merchants` must list at least one { siteCd, certificate }');
  }

  /** siteCd → { siteCd, certificate, certInfo } */
  const merchantsBySite = new Map();
  for (const m of merchants) {
    if (!m || typeof m.siteCd !== 'string' || m.siteCd === '' || typeof m.certificate !== 'string') {
      throw new TypeError('createKcpEmulator: each merchant needs a siteCd string and a certificate PEM string');
    }
    if (merchantsBySite.has(m.siteCd)) throw new TypeError(`createKcpEmulator: merchant ${m.siteCd} is listed twice`);
    merchantsBySite.set(m.siteCd, {
      siteCd: m.siteCd,
      certificate: m.certificate,
      certInfo: verifier.serializeCertificate(m.certificate),
    });
  }
  const defaultSite = merchantsBySite.keys().next().value;

  /** tno → mutable ledger entry */
  const entries = new Map();

  function addTransaction(tx) {
    if (!tx || typeof tx !== 'object') throw new TypeError('a transaction is { tno, amount, payType?, siteCd? }');
    const tno = String(tx.tno ?? '');
    if (!tnoPattern.test(tno)) throw new TypeError(`transaction tno must be a string of digits, got ${JSON.stringify(tx.tno)}`);
    if (entries.has(tno)) throw new TypeError(`transaction ${tno} is seeded twice`);
    const amount = parseAmount(tx.amount, facts.maxAmount);
    if (amount === null || amount === 0) throw new TypeError(`transaction ${tno}: amount must be a positive integer of at most 12 digits`);
    const siteCd = tx.siteCd ?? defaultSite;
    if (!merchantsBySite.has(siteCd)) throw new TypeError(`transaction ${tno}: merchant ${siteCd} is not registered`);
    const payType = tx.payType ?? 'PACA';
    if (typeof payType !== 'string' || !/^[A-Z0-9]{4}$/.test(payType)) throw new TypeError(`transaction ${tno}: payType must be 4 letters such as PACA`);
    entries.set(tno, {
      tno,
      siteCd,
      payType,
      amount,
      remaining: amount,
      state: 'approved',
      partialSequence: 0,
      history: [],
    });
  }
  for (const tx of transactions ?? []) addTransaction(tx);

  /** The merchant's transaction `tno`, or refusal E300. */
  function find(merchant, tno) {
    const entry = entries.get(tno);
    // Another merchant's transaction is as unknown to this merchant as a made-up number.
    if (!entry || entry.siteCd !== merchant.siteCd) refuse('E300', 'tno');
    return entry;
  }

  /** Refuses a cancel of a transaction that has nothing left (E301). */
  function assertCancellable(entry) {
    if (entry.state === 'cancelled') refuse('E301', 'tno');
  }

  /** A full cancel (STSC): the whole remaining balance. Returns the amount cancelled. */
  function cancelFull(entry, cancTime) {
    const before = entry.remaining;
    // Every check passed: only now is the ledger touched.
    entry.remaining = 0;
    entry.state = 'cancelled';
    entry.history.push({ modType: 'STSC', amount: before, remainingBefore: before, remainingAfter: 0, cancTime });
    return before;
  }

  /**
   * A partial cancel (STPC) of modMny, the merchant having stated the balance as remMny:
   * refusal E302 when that is not the balance, E303 when modMny exceeds it.
   */
  function cancelPartial(entry, { modMny, remMny, tax }, cancTime) {
    const before = entry.remaining;
    if (remMny !== before) refuse('E302', `rem_mny ${remMny} ≠ balance ${before}`);
    if (modMny > before) refuse('E303', `mod_mny ${modMny} > balance ${before}`);
    entry.remaining = before - modMny;
    entry.partialSequence += 1;
    entry.state = entry.remaining === 0 ? 'cancelled' : 'partially-cancelled';
    entry.history.push({
      modType: 'STPC',
      amount: modMny,
      remainingBefore: before,
      remainingAfter: entry.remaining,
      sequence: entry.partialSequence,
      cancTime,
      ...(tax ? { tax } : {}),
    });
  }

  return {
    tnoPattern,
    amountOf: (v) => parseAmount(v, facts.maxAmount),
    merchant: (siteCd) => merchantsBySite.get(siteCd),
    addTransaction,
    find,
    assertCancellable,
    cancelFull,
    cancelPartial,
    /** A copy of one entry, or undefined. */
    get(tno) {
      const entry = entries.get(String(tno));
      return entry ? structuredClone(entry) : undefined;
    },
    all: () => [...entries.values()].map((e) => structuredClone(e)),
  };
}

/**
 * A non-negative integer of at most `maxAmount` (the core's MAX_AMOUNT), from a JSON string of
 * digits or a number; else null.
 */
export function parseAmount(v, maxAmount) {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 && v <= maxAmount ? v : null;
  if (typeof v === 'string' && /^[0-9]+$/.test(v) && v.length <= String(maxAmount).length) {
    const n = Number(v);
    return n <= maxAmount ? n : null;
  }
  return null;
}
