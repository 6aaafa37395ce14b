/**
 * `kcp-wasm/testing`: a local emulator of NHN KCP's cancel/refund (`POST /gw/mod/v1/cancel`) and
 * inquiry (`POST /std/inquery`) endpoints, for merchants' own tests. It checks `site_cd`,
 * `kcp_cert_info` and `kcp_sign_data` the way KCP does, keeps a ledger per `tno`, and can inject
 * the failures that matter when money moves (delays, dropped connections, 5xx, `text/plain`,
 * and "applied, then the reply never came").
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
  /** `'/gw/mod/v1/cancel'` or `'/std/inquery'`. */
  path?: string;
  tno?: string;
  /** `'STSC'`, `'STPC'`, … */
  modType?: string;
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
  tno: string | undefined;
  modType: string | undefined;
  /** The injected fault it took, if any. */
  fault: EmulatorFault['type'] | undefined;
  /** The HTTP status (undefined when no reply was made). */
  status: number | undefined;
  /** The `res_cd` the emulator decided on, even when a fault kept the reply from arriving. */
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
  state: 'approved' | 'partially-cancelled' | 'cancelled';
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
  /** Stops listening, drops open connections and ends replies still pending. */
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
 * `E304` unsupported `mod_type` · `E305` `pay_type` does not match the transaction.
 */
export const EMULATOR_REFUSAL_CODES: Readonly<
  Record<'E100' | 'E101' | 'E102' | 'E200' | 'E201' | 'E202' | 'E300' | 'E301' | 'E302' | 'E303' | 'E304' | 'E305', { ko: string; en: string }>
>;

export const CANCEL_PATH: '/gw/mod/v1/cancel';
export const INQUIRY_PATH: '/std/inquery';
