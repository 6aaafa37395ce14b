/**
 * `kcp-wasm/testing`: a local emulator of NHN KCP's cancel/refund (`POST /gw/mod/v1/cancel`),
 * inquiry (`POST /std/inquery`), approval (`POST /gw/enc/v1/payment`), hub
 * (`POST /gw/hub/v1/payment`: billing-key charge and deletion, key-in, virtual accounts) and trade
 * registration (`POST /std/tradeReg/register`) endpoints, with a stand-in for the payment window
 * (`POST /__emulator/window`) and for a deposit into a virtual account (`POST /__emulator/deposit`),
 * which KCP's notification follows, form-POSTed to `notifyUrl` and re-delivered until acknowledged.
 * For merchants' own tests. It checks `site_cd`, `kcp_cert_info` and `kcp_sign_data` the way KCP
 * does, keeps a ledger per `tno`, and can inject the failures that matter when money moves
 * (delays, dropped connections, 5xx, `text/plain`, and "applied, then the reply never came").
 *
 * @example
 * ```ts
 * import { KcpClient } from 'kcp-wasm';
 * import { createKcpEmulator } from 'kcp-wasm/testing';
 *
 * const kcp = createKcpEmulator({
 *   merchants: [{ siteCd: 'T0000', certificate: certPem }],
 *   transactions: [{ tno: '20261127000001', amount: 10000 }],
 * });
 * const client = new KcpClient({ siteCd: 'T0000', certificate: certPem, privateKey, password, fetch: kcp.fetch });
 * await client.refund({ tno: '20261127000001', amount: 3000, remaining: 10000, reason: 'partial return' });
 * kcp.ledger('20261127000001')?.remaining; // 7000
 * ```
 */

// Strict-safe without the DOM lib: `Symbol.asyncDispose` is declared here (as lib
// esnext.disposable and @types/node declare it; TypeScript merges the declarations).
declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}

/** A merchant the emulator accepts requests from. */
export interface EmulatorMerchant {
  /** KCP's merchant id, e.g. `'T0000'`. */
  siteCd: string;
  /** The merchant's certificate, PEM. Requests must carry it serialized as `kcp_cert_info`. */
  certificate: string;
}

/** A transaction to seed the ledger with, as if a customer had just paid. */
export interface EmulatorTransaction {
  /** KCP's transaction number: a string of digits (KCP's are 14). */
  tno: string;
  /** The amount paid, in won: a positive integer of at most 12 digits. */
  amount: number | string;
  /** `PACA` (card, the default), `PABK`, `PAVC`, …: inquiries must name the same. */
  payType?: string;
  /** The merchant it belongs to; default the first merchant listed. */
  siteCd?: string;
}

/** Which requests a fault applies to: every given field must match. */
export interface FaultMatch {
  /** `'/gw/mod/v1/cancel'`, `'/std/inquery'`, `'/gw/enc/v1/payment'`, `'/gw/hub/v1/payment'`, … */
  path?: string;
  /** The request's `tno`. */
  tno?: string;
  /** `'STSC'`, `'STPC'`, … */
  modType?: string;
  /** The request's `ordr_idxx` (hub payments, trade registration, the window). */
  orderNo?: string;
}

interface FaultBase {
  match?: FaultMatch;
  /** How many matching requests it applies to (default 1); `Infinity` for all of them. */
  times?: number;
}

/**
 * A failure to inject. Faults are kept in a queue; each request takes the first one that
 * matches it.
 * - `delay`: wait `ms` before handling. A caller that gives up meanwhile (its signal aborts, or it
 *   closes the socket) leaves the ledger untouched, as if the request never reached KCP.
 * - `drop`: the connection is dropped (the emulator's `fetch` rejects with `TypeError('fetch
 *   failed')`; over HTTP the socket is destroyed). Nothing is applied unless `apply: true`.
 * - `http-error`: an HTML error page with `status` (default 503). Nothing is applied unless
 *   `apply: true`.
 * - `text-plain`: the normal JSON reply, served as `text/plain; charset=utf-8`.
 * - `apply-then-timeout`: the request is applied (the money moves) but no reply ever comes:
 *   the caller's timeout fires. After `ms` (default 120000) the connection is closed without a
 *   reply; `close()` ends it sooner.
 */
export type EmulatorFault =
  | (FaultBase & { type: 'delay'; ms: number })
  | (FaultBase & { type: 'drop'; apply?: boolean })
  | (FaultBase & { type: 'http-error'; status?: number; body?: string; apply?: boolean })
  | (FaultBase & { type: 'text-plain' })
  | (FaultBase & { type: 'apply-then-timeout'; ms?: number });

/** One request as the emulator saw it (for assertions and logs). */
export interface EmulatorRequestRecord {
  method: string;
  path: string;
  /** The request's `tno`, else the one its reply names (a new approval or hub payment). */
  tno: string | undefined;
  modType: string | undefined;
  /** The request's `ordr_idxx`, when it has one (present only then). */
  orderNo?: string;
  /** The injected fault it took, if any. */
  fault: EmulatorFault['type'] | undefined;
  /** The HTTP status (undefined when no reply was made). */
  status: number | undefined;
  /**
   * The `res_cd` (trade registration: `Code`) the emulator decided on, even when a fault kept the
   * reply from arriving.
   */
  resCd: string | undefined;
  outcome: 'response' | 'drop' | 'hang' | 'aborted' | undefined;
}

/** What the emulator knows about one transaction. */
export interface LedgerEntry {
  tno: string;
  siteCd: string;
  payType: string;
  /** The amount originally paid. */
  amount: number;
  /** What can still be cancelled. */
  remaining: number;
  /** `awaiting-deposit`: a virtual account issued and not paid yet (`amount` is what was issued). */
  state: 'approved' | 'awaiting-deposit' | 'partially-cancelled' | 'cancelled';
  /** How many partial cancels (`STPC`) were applied: the last `mod_pacn_seq_no`. */
  partialSequence: number;
  history: Array<{
    modType: 'STSC' | 'STPC';
    amount: number;
    remainingBefore: number;
    remainingAfter: number;
    /** `STPC` only. */
    sequence?: number;
    /** `canc_time` as sent: yyyyMMddHHmmss, Korea Standard Time. */
    cancTime: string;
    tax?: { taxable: number; vat: number; taxFree: number };
  }>;
  /** The merchant's `ordr_idxx` (transactions the emulator opened). */
  orderNo?: string;
  /** `card`, `bank` or `virtualAccount` (the core's pay method names; transactions the emulator opened). */
  method?: string;
  /** How the emulator opened it: the window's approval, a billing-key charge, key-in, or hub issuance. */
  origin?: 'window' | 'billing-key' | 'key-in' | 'hub';
  /** The billing key charged (`origin` `billing-key`). */
  billingKey?: string;
  /** A virtual account's details and deposits. */
  virtualAccount?: {
    bankCode: string;
    bankName: string;
    account: string;
    depositor: string;
    /** The buyer (`buyr_name`), notified as `ipgm_name`. */
    buyer?: string;
    /** `va_date`: the deposit deadline, yyyyMMddHHmmss. */
    dueDate: string;
    /** The amount issued; `amount` becomes what was deposited (KCP settles the deposit as made). */
    issuedAmount: number;
    deposits: Array<{ amount: number; time: string; notiId: string; remitter: string }>;
  };
}

/** A billing key (batch key) the emulator issued. */
export interface EmulatorBillingKey {
  /** 16 digits. */
  batchKey: string;
  siteCd: string;
  /** The group id from the window (`kcp_group_id`), or the emulator's `groupId`. */
  groupId: string | undefined;
  state: 'active' | 'deleted';
  cardCd: string;
  cardName: string;
  cardMask: string;
  /** yyyyMMddHHmmss, KST. */
  issuedAt: string;
  deletedAt?: string;
  /** The `tno` of each charge, in order. */
  charges: string[];
}

/** One delivery attempt of a notification to `notifyUrl`. */
export interface EmulatorNotificationDelivery {
  url: string;
  tno: string;
  /** `noti_id`: the same on every re-delivery of one notification. */
  notiId: string;
  /** `tx_cd`, e.g. `TX00` (virtual-account deposit). */
  txCd: string;
  /** 1 for the first delivery. */
  attempt: number;
  /** The merchant's HTTP status; undefined when no reply came (`error` says why). */
  status: number | undefined;
  /** Whether the reply carried a form value `result` equal to KCP's acknowledgement (`0000`). */
  acknowledged: boolean;
  /** Why no reply came: `ECONNREFUSED`, `TimeoutError`, … */
  error: string | undefined;
  /** When the attempt started (ISO 8601). */
  time: string;
}

export interface KcpEmulatorOptions {
  /** At least one merchant. */
  merchants: EmulatorMerchant[];
  transactions?: EmulatorTransaction[];
  /** Faults queued from the start (see {@link KcpEmulator.inject}). */
  faults?: EmulatorFault[];
  /** The emulator's clock, for `canc_time` (default `() => new Date()`). */
  clock?: () => Date;
  /** Called once per request, after the emulator decided what happened. */
  onRequest?: (record: EmulatorRequestRecord) => void;
  /**
   * The merchant's own billing group id (e.g. `'BA0011000348'`): then only it is accepted as
   * `kcp_group_id`, `bt_group_id` and `group_id`. Default: any well-formed group id (a
   * `site_cd`-like prefix, then digits).
   */
  groupId?: string;
  /** The `res_cd` of a virtual-account issuance: `'0000'` (default) or `'V000'` (sources conflict). */
  vaSuccessCode?: string;
  /**
   * Where KCP's notifications (a virtual-account deposit: `tx_cd` `TX00`) are form-POSTed. Without
   * it, deposits are recorded and nothing is sent.
   */
  notifyUrl?: string | URL;
  /** Deliveries of one notification until one is acknowledged (default 5, at most 100). */
  notifyAttempts?: number;
  /** The wait before the second delivery, doubling before each next one (default 200 ms). */
  notifyIntervalMs?: number;
  /** How long one delivery waits for the merchant's reply (default 5000 ms). */
  notifyTimeoutMs?: number;
  /**
   * Sends the notifications instead of the host's `fetch`: e.g. the merchant's own fetch-style
   * handler, `(url, init) => handler(new Request(url, init))`, to test it with no sockets.
   */
  notifyFetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Called after each delivery attempt. */
  onNotification?: (delivery: EmulatorNotificationDelivery) => void;
  /**
   * Replaces the package's own signature and certificate checks (only for testing the
   * emulator itself).
   */
  verifier?: {
    verifySignature(certificatePem: string, plaintext: string, signature: string): boolean;
    serializeCertificate(pem: string): string;
  };
}

export interface KcpEmulator {
  /**
   * Answers a request as KCP would, with no network: pass it as `KcpClient`'s `fetch`. The host
   * in the URL is ignored. Honours `init.signal` like the host's fetch does.
   */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** A copy of one transaction's ledger entry, or `undefined` for an unknown `tno`. */
  ledger(tno: string): LedgerEntry | undefined;
  /** Copies of every ledger entry. */
  ledgers(): LedgerEntry[];
  /** A copy of one billing key's record, or `undefined`. */
  billingKey(batchKey: string): EmulatorBillingKey | undefined;
  /** Copies of every billing key issued. */
  billingKeys(): EmulatorBillingKey[];
  /** Every notification delivery attempt so far, in order. */
  notifications(): EmulatorNotificationDelivery[];
  /**
   * Resolves once every notification delivery started so far was acknowledged or ran out of
   * attempts (or the emulator closed), with every attempt so far.
   */
  settled(): Promise<EmulatorNotificationDelivery[]>;
  /** Seeds one more transaction. */
  addTransaction(transaction: EmulatorTransaction): void;
  /** Queues a fault for the next matching request(s). */
  inject(fault: EmulatorFault): void;
  /** The faults still queued. */
  pendingFaults(): EmulatorFault[];
  /** Every request so far, in order. */
  requests(): EmulatorRequestRecord[];
  /**
   * Node only: serves the same over HTTP (`port` 0 picks a free one; `host` defaults to
   * `127.0.0.1`). Resolves once listening, with the base URL to give the client as `baseUrl`.
   */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; host: string; port: number }>;
  /** Stops listening, drops open connections, ends replies still pending and stops re-deliveries. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates an emulator with its own, in-memory ledger. */
export function createKcpEmulator(options: KcpEmulatorOptions): KcpEmulator;

/**
 * The emulator's own refusal codes (`res_cd`; KCP publishes no table), with the Korean
 * `res_msg` and English `res_en_msg` it sends:
 * `E100` body not a JSON object · `E101` required field missing · `E102` invalid field value ·
 * `E200` unregistered `site_cd` · `E201` `kcp_cert_info` not the merchant's certificate ·
 * `E202` `kcp_sign_data` does not verify · `E300` unknown `tno` · `E301` already fully cancelled ·
 * `E302` `rem_mny` is not the current balance (stale) · `E303` `mod_mny` exceeds the balance ·
 * `E304` unsupported `mod_type` · `E305` `pay_type` does not match the transaction ·
 * `E306` partial refund of a virtual account not yet paid · `E310` unknown `enc_data`/`enc_info` ·
 * `E311` `enc_data` already used · `E312` `tran_cd` not the window's · `E313` window of another
 * `site_cd` · `E320` unknown billing key · `E321` deleted billing key · `E322` group id not the
 * merchant's or the key's · `E330` card number fails the Luhn check · `E331` bad or past expiry ·
 * `E340` unsupported hub request · `E341` not a virtual account awaiting its deposit ·
 * `E342` unknown `approval_key`.
 *
 * Not in this table: `8059`, KCP's own legacy code (message verbatim,
 * "포맷에러(지불정보-공통:결제금액 불일치)"), answered when an approval's `ordr_mony` is not the
 * window's amount.
 */
export const EMULATOR_REFUSAL_CODES: Readonly<
  Record<
    | 'E100' | 'E101' | 'E102' | 'E200' | 'E201' | 'E202' | 'E300' | 'E301' | 'E302' | 'E303' | 'E304' | 'E305' | 'E306'
    | 'E310' | 'E311' | 'E312' | 'E313' | 'E320' | 'E321' | 'E322' | 'E330' | 'E331' | 'E340' | 'E341' | 'E342',
    { ko: string; en: string }
  >
>;

export const CANCEL_PATH: '/gw/mod/v1/cancel';
export const INQUIRY_PATH: '/std/inquery';
/**
 * The emulator's stand-in for KCP's payment window: POST JSON `{ site_cd, ordr_idxx, good_mny,
 * pay_method }` (`CARD`, `BANK`, `VCNT`, or `AUTH` for a billing key; optional `buyr_name`,
 * `kcp_group_id`), or `{ approval_key }` from trade registration; the reply holds what the window
 * hands the merchant (`enc_data`, `enc_info`, `tran_cd`, `use_pay_method`, …).
 */
export const WINDOW_PATH: '/__emulator/window';
/** POST JSON `{ tno, amount, remitter? }`: a deposit into a virtual account, then KCP's notification. */
export const DEPOSIT_PATH: '/__emulator/deposit';
/** GET: `{ res_cd, pending, deliveries }`, every notification delivery attempt (as `notifications()`). */
export const NOTIFICATIONS_PATH: '/__emulator/notifications';
