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

  /** Refuses a partial cancel of a virtual account still awaiting its deposit (E306). */
  function assertRefundable(entry) {
    if (entry.state === 'awaiting-deposit') refuse('E306', 'tno');
  }

  // ---- transactions the emulator itself opens (approval, hub) ---------------------------

  let sequence = 0;
  /** A fresh tno: the KST date, then a sequence number, tnoMaxDigits digits in all. */
  function nextTno(date) {
    const day = kcpTime(date).slice(0, 8);
    for (;;) {
      sequence += 1;
      const tno = day + String(sequence).padStart(facts.tnoMaxDigits - day.length, '0');
      if (!entries.has(tno)) return tno;
    }
  }

  /**
   * Opens a new transaction: `{ siteCd, payType, amount, orderNo, method, origin, state?,
   * billingKey?, virtualAccount? }`. Returns the (live) entry; the caller checked everything.
   */
  function open(tx, date) {
    const entry = {
      tno: nextTno(date),
      siteCd: tx.siteCd,
      payType: tx.payType,
      amount: tx.amount,
      remaining: tx.amount,
      state: tx.state ?? 'approved',
      partialSequence: 0,
      history: [],
      orderNo: tx.orderNo,
      method: tx.method,
      origin: tx.origin,
      ...(tx.billingKey ? { billingKey: tx.billingKey } : {}),
      ...(tx.virtualAccount ? { virtualAccount: { ...tx.virtualAccount, deposits: [] } } : {}),
    };
    entries.set(entry.tno, entry);
    return entry;
  }

  /** The virtual account `tno` awaiting its deposit, or refusal E300/E341. */
  function awaitingDeposit(tno) {
    const entry = entries.get(tno);
    if (!entry) refuse('E300', 'tno');
    if (!entry.virtualAccount || entry.state !== 'awaiting-deposit') refuse('E341', 'tno');
    return entry;
  }

  /**
   * Records a deposit into a virtual account awaiting one. KCP settles what was deposited, even
   * when it is not what was issued: the transaction's amount becomes the deposit.
   */
  function deposit(entry, { amount, time, notiId, remitter }) {
    entry.virtualAccount.deposits.push({ amount, time, notiId, remitter });
    entry.amount = amount;
    entry.remaining = amount;
    entry.state = 'approved';
  }

  // ---- billing keys (batch keys) -----------------------------------------------------------

  /** batch key → { batchKey, siteCd, groupId, state, cardCd, cardMask, issuedAt, charges } */
  const billingKeys = new Map();

  /** Issues a fresh 16-digit billing key for `siteCd`. */
  function issueBillingKey({ siteCd, groupId, cardCd, cardName, cardMask, issuedAt }) {
    let batchKey;
    do batchKey = randomDigits(16);
    while (billingKeys.has(batchKey));
    const key = { batchKey, siteCd, groupId, state: 'active', cardCd, cardName, cardMask, issuedAt, charges: [] };
    billingKeys.set(batchKey, key);
    return key;
  }

  function recordCharge(batchKey, tno) {
    billingKeys.get(batchKey).charges.push(tno);
  }

  function deleteBillingKey(batchKey, deletedAt) {
    const key = billingKeys.get(batchKey);
    key.state = 'deleted';
    key.deletedAt = deletedAt;
  }

  /** The merchant's billing key, or refusal E320 (unknown) / E321 (deleted). */
  function findBillingKey(merchant, batchKey) {
    const key = billingKeys.get(batchKey);
    if (!key || key.siteCd !== merchant.siteCd) refuse('E320', 'batch key');
    if (key.state === 'deleted') refuse('E321', 'batch key');
    return key;
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
    assertRefundable,
    open,
    awaitingDeposit,
    deposit,
    issueBillingKey,
    findBillingKey,
    recordCharge,
    deleteBillingKey,
    /** A copy of one billing key's record, or undefined. */
    billingKey(batchKey) {
      const key = billingKeys.get(String(batchKey));
      return key ? structuredClone(key) : undefined;
    },
    billingKeys: () => [...billingKeys.values()].map((k) => structuredClone(k)),
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

/** yyyyMMddHHmmss in Korea Standard Time (UTC+9, no daylight saving), as KCP stamps canc_time. */
export function kcpTime(date) {
  const d = new Date(date.getTime() + 9 * 3600_000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** `n` random decimal digits, the first not 0 (web crypto: every runtime has it). */
export function randomDigits(n) {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  let out = '';
  for (const [i, b] of bytes.entries()) out += String(i === 0 ? 1 + (b % 9) : b % 10);
  return out;
}
