// Type declarations of kcp-wasm (hand-written; the same for every runtime entry).
//
// They compile with `strict` and `skipLibCheck: false` under lib es2022 alone plus the platform's
// own globals: @types/node, @cloudflare/workers-types, DOM, Deno (tests/js/types.test.mjs). So
// they name no DOM-only type: the WebAssembly namespace is reached through `typeof globalThis`,
// and `Symbol.dispose` is declared below (the same declaration as lib esnext.disposable's and
// @types/node's, which TypeScript merges).

declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** A compiled `WebAssembly.Module` where the runtime's types declare one; any object otherwise. */
export type WasmModuleLike = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;

/** Every `code` a KcpError can carry. Branch on these, never on messages. */
export type KcpErrorCode =
  | 'KEY_MALFORMED'
  | 'KEY_PASSWORD_INCORRECT'
  | 'KEY_FORMAT_UNSUPPORTED'
  | 'KEY_LIMIT_EXCEEDED'
  | 'KEY_INCONSISTENT'
  /** The runtime gave no randomness (crypto.getRandomValues) for RSA blinding. */
  | 'RANDOM_UNAVAILABLE'
  | 'CERT_MALFORMED'
  | 'CERT_IS_PRIVATE_KEY'
  | 'KEY_CERT_MISMATCH'
  | 'FIELD_INVALID'
  | 'CONFIG_INVALID'
  | 'KCP_REJECTED'
  | 'RESPONSE_MALFORMED'
  /**
   * An inquiry's reply is about another transaction, a billing-key issuance's success has no
   * `batch_key`, or a trade registration's success has no `approvalKey` / `PayUrl`. (Never thrown
   * for a cancel, refund or payment KCP applied: see `warnings`.)
   */
  | 'RESPONSE_INCONSISTENT'
  /** A notification body could not be read (parseNotification, or the handler's 400). */
  | 'NOTIFICATION_MALFORMED'
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'OUTCOME_UNKNOWN'
  | 'ABORTED'
  | 'NOT_INITIALIZED'
  | 'FREED'
  | 'INTERNAL'
  /** `approveAndRecord`: recording failed and the approval was cancelled in full. See `KcpApprovalCancelledError`. */
  | 'APPROVAL_CANCELLED'
  /** `approveAndRecord`: recording failed and the cancel was refused or has no known outcome. See `KcpApprovalCancelFailedError`. */
  | 'APPROVAL_CANCEL_FAILED';

/** All error codes, in a stable order. */
export declare const ERROR_CODES: readonly KcpErrorCode[];

/** Which entry of the package the runtime loaded (diagnostics). */
export declare const runtimeEntry: 'node' | 'node-cjs' | 'bun' | 'deno' | 'workerd' | 'edge-light' | 'browser';

/** Base class of every error thrown by kcp-wasm. Messages never hold keys, passwords or signatures. */
export declare class KcpError extends Error {
  constructor(code: KcpErrorCode, message: string, details?: { field?: string; cause?: unknown });
  readonly code: KcpErrorCode;
  /** For FIELD_INVALID / CONFIG_INVALID / RESPONSE_INCONSISTENT: KCP's wire name of the field (e.g. `mod_mny`). */
  readonly field?: string;
}

/** KCP answered with a `res_cd` other than `0000`. */
export declare class KcpRejectedError extends KcpError {
  readonly code: 'KCP_REJECTED';
  /** KCP's result code, verbatim (e.g. `"8133"`). */
  readonly resCd: string;
  /** KCP's message, verbatim (usually Korean). */
  readonly resMsg: string;
  /** KCP's English message, when it sent one. */
  readonly resEnMsg?: string;
  /** For a `res_cd` whose meaning is known (see `resultCodes()`): what it means and what to do, one line. Also in `message`. */
  readonly hint?: string;
  /** Every field of KCP's reply, verbatim (integers beyond 2^53 as strings of their digits). */
  readonly raw: Record<string, unknown>;
}

/** KCP (or a proxy in front of it) answered with a non-2xx HTTP status. */
export declare class KcpHttpError extends KcpError {
  readonly code: 'HTTP_ERROR';
  readonly status: number;
  readonly operation: Operation;
  /** Whether the request moves money (then the change may or may not have been applied). */
  readonly movesMoney?: boolean;
  /** The first 1000 characters of the response body. */
  readonly body: string;
}

/**
 * `NETWORK_ERROR`, safe to send again: either the request changes nothing (an inquiry that got no
 * answer), or it certainly never left (`reason` `'not-sent'`: the host name did not resolve, or
 * the connection was refused), whatever the operation.
 */
export declare class KcpNetworkError extends KcpError {
  readonly code: 'NETWORK_ERROR';
  readonly operation: Operation;
  readonly reason: 'timeout' | 'aborted' | 'network' | 'not-sent';
}

/**
 * `OUTCOME_UNKNOWN`: a request that moves money (cancel, refund, modify, approval, billing-key
 * charge, key-in, virtual-account issuance) was (or may have been) sent and no answer came back
 * (timeout, network failure or abort): KCP may or may not have applied it. Do not resend it
 * blindly; inquire first, then decide. Not a `KcpNetworkError`: that one is safe to retry, this
 * one never is.
 */
export declare class KcpOutcomeUnknownError extends KcpError {
  readonly code: 'OUTCOME_UNKNOWN';
  readonly operation: Operation;
  readonly reason: 'timeout' | 'aborted' | 'network';
  /** The transaction the request was about. */
  readonly tno?: string;
  /**
   * For a payment, which has no `tno` before its reply (approval, billing-key charge, key-in,
   * virtual account): the order number. Find the transaction by it and inquire before charging again.
   */
  readonly orderId?: string;
}

/**
 * Every error kcp-wasm throws, keyed on `code`: `switch (e.code)` narrows to the class and its
 * fields (`KCP_REJECTED` to `KcpRejectedError`, `OUTCOME_UNKNOWN` to `KcpOutcomeUnknownError`, …).
 */
export type KcpAnyError =
  | KcpRejectedError
  | KcpHttpError
  | KcpNetworkError
  | KcpOutcomeUnknownError
  | KcpApprovalCancelledError
  | KcpApprovalCancelFailedError
  | (KcpError & {
      readonly code: Exclude<
        KcpErrorCode,
        'KCP_REJECTED' | 'HTTP_ERROR' | 'NETWORK_ERROR' | 'OUTCOME_UNKNOWN' | 'APPROVAL_CANCELLED' | 'APPROVAL_CANCEL_FAILED'
      >;
    });

/**
 * Loads the WebAssembly module. Only needed with the `browser`/`default` entry; on Node, Deno,
 * Bun, workerd and edge runtimes the module is loaded at import and this resolves at once.
 * Idempotent. Default: `kcp_wasm_bg.wasm` next to the glue (`new URL(..., import.meta.url)`).
 */
export declare function init(
  input?: string | URL | ArrayBuffer | ArrayBufferView | WasmModuleLike | WasmResponseLike | Promise<WasmResponseLike>,
): Promise<void>;

/** A fetch `Response` (or anything with its `arrayBuffer()`), e.g. `fetch('/kcp_wasm_bg.wasm')`. */
export interface WasmResponseLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Loads the WebAssembly module synchronously from a compiled module (or its bytes). No-op once loaded. */
export declare function initSync(input: ArrayBuffer | ArrayBufferView | WasmModuleLike): void;

export type KeyFormat = 'pkcs12-pbe-sha1-3des' | 'pbes2' | 'pkcs8' | 'pkcs1';

/** A decrypted merchant private key. Call `free()` (or `using`) when done to wipe it. */
export declare class KcpSigner {
  private constructor();
  /**
   * Decrypts a private key: KCP's `ENCRYPTED PRIVATE KEY` (pbeWithSHAAnd3-KeyTripleDES-CBC),
   * PBES2, unencrypted PKCS#8 or PKCS#1; PEM text, or the bytes of a PEM or DER file.
   * @throws KcpError KEY_MALFORMED, KEY_PASSWORD_INCORRECT, KEY_FORMAT_UNSUPPORTED, KEY_LIMIT_EXCEEDED
   */
  static fromPem(pem: string | Uint8Array | ArrayBuffer, password?: string | undefined): KcpSigner;
  /** `kcp_sign_data`: base64(RSASSA-PKCS1-v1_5(SHA-256(utf8(plaintext)))). Deterministic. */
  sign(plaintext: string): string;
  /** Whether this key is the pair of the certificate. @throws KcpError CERT_* */
  matchesCertificate(certificatePem: string): boolean;
  readonly modulusBits: number;
  readonly keyFormat: KeyFormat;
  /** Wipes the key. Later calls throw KcpError FREED. */
  free(): void;
  [Symbol.dispose](): void;
}

/** `kcp_cert_info`: the certificate PEM on one line. @throws KcpError CERT_MALFORMED, CERT_IS_PRIVATE_KEY */
export declare function serializeCertificate(certificatePem: string): string;

export interface CertificateInfo {
  kcpCertInfo: string;
  subject: string;
  issuer: string;
  /** Hex. */
  serialNumber: string;
  /** RFC 3339, e.g. `"2021-06-28T04:41:00Z"`. Never compared with the clock by this package. */
  notBefore: string;
  notAfter: string;
  /** `notAfter` in seconds since 1970 (0 for earlier): `notAfterUnix * 1000 < Date.now()` means expired. */
  notAfterUnix: number;
  publicKeyBits: number;
}

export declare function inspectCertificate(certificatePem: string): CertificateInfo;

/** A KCP result code whose meaning is known, from the one table in kcp-wasm's core. */
export interface ResultCodeInfo {
  /** KCP's `res_cd`, e.g. `"8012"`. */
  code: string;
  /** What it means and what to do, one line of English. */
  hint: string;
  /** Where the meaning comes from, and how sure it is. */
  source: string;
}

/** Every KCP `res_cd` with a known meaning. A `KcpRejectedError` for one of them carries its `hint`. */
export declare function resultCodes(): ResultCodeInfo[];

/** Whether `signature` (base64) is a valid `kcp_sign_data` of `plaintext` under the certificate's key. */
export declare function verifySignature(certificatePem: string, plaintext: string, signature: string): boolean;

/** `site_cd^tno^mod_type`, with each field validated (no `^`, no control characters). */
export declare function cancelPlaintext(siteCd: string, tno: string, modType: string): string;

/** `site_cd^tno^pay_type`, with each field validated. */
export declare function inquiryPlaintext(siteCd: string, tno: string, payType: string): string;

/** A safe non-negative integer, or a string of at most 12 digits. */
export type Amount = number | string;

export interface TaxSplit {
  /** `mod_tax_mny`: supply amount. */
  taxable: Amount;
  /** `mod_vat_mny`. */
  vat: Amount;
  /** `mod_free_mny`: tax-free amount. */
  taxFree: Amount;
}

export interface KcpClientOptions {
  /** KCP merchant id (`site_cd`), e.g. `"T0000"`. */
  siteCd: string;
  /** The certificate PEM (`KCP_AUTH_{site_cd}_CERT.pem`). */
  certificate: string;
  /** The private key (`KCP_AUTH_{site_cd}_PRIKEY.pem`): PEM text, or the bytes of a PEM or DER file. */
  privateKey: string | Uint8Array | ArrayBuffer;
  /**
   * The private key's password (KCP's keys are encrypted). May be `undefined` at the type level,
   * so that `process.env.KCP_KEY_PASSWORD` fits; an encrypted key without one throws `CONFIG_INVALID`
   * with `field: 'password'` (not "the password is wrong").
   */
  password?: string | undefined;
  /** Default `'staging'`. */
  environment?: 'staging' | 'production';
  /** Overrides `environment`: `http(s)://host[:port][/prefix]` (an emulator, a proxy). */
  baseUrl?: string;
  /** The fetch to send with. Default: `globalThis.fetch` at the time of each call. */
  fetch?: FetchLike;
  /** Per-request deadline in milliseconds (default 30000). */
  timeoutMs?: number;
}

/** The subset of `fetch` the client uses. */
export type FetchLike = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
  },
) => Promise<{ ok: boolean; status: number; statusText?: string; text(): Promise<string> }>;

export interface RequestOptions {
  /** Aborting after the request was sent gives KcpOutcomeUnknownError for a request that moves money (`PreparedRequest.movesMoney`). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

export interface CancelInput {
  /** KCP transaction number (14 digits, as a string). */
  tno: string;
  /** `mod_desc` (UTF-8, at most 100 bytes). */
  reason?: string;
}

export interface RefundInput {
  tno: string;
  /** `mod_mny`: the amount to cancel now. */
  amount: Amount;
  /** `rem_mny`: the cancellable balance before this cancel. */
  remaining: Amount;
  reason?: string;
  /** Mixed-tax split (`tax_flag` TG03). */
  tax?: TaxSplit;
}

export interface RefundAccount {
  /** `mod_bankcode` */
  bankCode: string;
  /** `mod_account` */
  account: string;
  /** `mod_depositor` */
  depositor: string;
  /** `mod_sub_type` */
  subType?: string;
  /** `mod_comp_type` */
  compType?: string;
}

export interface ModifyInput {
  tno: string;
  /** KCP's `mod_type`, e.g. `STMR`, `STHD`, `STPD`, `STE1`. */
  modType: string;
  reason?: string;
  amount?: Amount;
  remaining?: Amount;
  tax?: TaxSplit;
  refundAccount?: RefundAccount;
  /** Further wire fields, sent verbatim (e.g. `{ deli_numb: "...", deli_corp: "..." }`). */
  extra?: Record<string, string>;
}

export interface InquiryInput {
  tno: string;
  /** `PACA` card, `PABK` bank transfer, `PAVC` virtual account, `PAMC` mobile, `PAPT` points, `PATK` gift certificate. */
  payType: string;
}

export type Operation =
  | 'cancel'
  | 'refund'
  | 'modify'
  | 'inquiry'
  | 'approval'
  | 'billingKeyIssue'
  | 'billingCharge'
  | 'billingKeyDelete'
  | 'virtualAccountIssue'
  | 'keyIn'
  | 'tradeRegistration';

/** What the client checks KCP's answer against (kept by the client; shown for logs). */
export interface Expect {
  operation: Operation;
  /** The transaction's number; empty for the requests made before there is one (approval, hub, trade registration). */
  tno: string;
  modType?: string;
  payType?: string;
  amount?: number;
  remainingAfter?: number;
}

/** A signed request, ready to send yourself. */
export interface PreparedRequest {
  /** e.g. `https://stg-spl.kcp.co.kr/gw/mod/v1/cancel` */
  url: string;
  method: 'POST';
  headers: { 'Content-Type': 'application/json; charset=utf-8' };
  /** The JSON body (amounts as JSON strings). */
  body: string;
  operation: Operation;
  /**
   * Whether the request moves money (every cancel, refund and modification; never an inquiry):
   * then it must never be re-sent blindly, and no answer means an unknown outcome.
   */
  movesMoney: boolean;
  /** What `kcp_sign_data` signs (no secret in it); empty for the unsigned requests (approval, hub, trade registration). */
  plaintext: string;
  expect: Expect;
  /** The merchant's order number the request is about, when known (hub requests, trade registration, an approval given `orderId`). */
  orderId?: string;
}

/** A `mod_type` and what KCP says about it (the core's facts). */
export interface ModTypeFacts {
  code: string;
  /** The operation a request of this `mod_type` is reported as (`STSC` cancel, `STPC` refund). */
  operation: 'cancel' | 'refund' | 'modify';
  /** Takes an amount and the balance before it (`STPC`, `STPD`). */
  partial: boolean;
  /** Cancels all that remains and takes no amount (`STSC`, `STHD`). */
  full: boolean;
  /** Needs the account a virtual-account payment is refunded to (`STHD`, `STPD`). */
  needsRefundAccount: boolean;
  movesMoney: boolean;
  description: string;
}

/** A `pay_type` of the inquiry (the core's facts). */
export interface PayTypeFacts {
  code: string;
  movesMoney: boolean;
  description: string;
}

/** What the core knows about KCP: hosts, paths, limits, codes. */
export interface KcpFacts {
  productionUrl: string;
  stagingUrl: string;
  modifyPath: string;
  inquiryPath: string;
  method: 'POST';
  /** Largest amount KCP's 12-digit amount fields hold. */
  maxAmount: number;
  /** Largest `mod_desc`, in UTF-8 bytes. */
  maxReasonBytes: number;
  /** A `tno` is 1 to this many digits. */
  tnoMaxDigits: number;
  modTypes: ModTypeFacts[];
  payTypes: PayTypeFacts[];
  approvalPath: string;
  hubPath: string;
  tradeRegisterPath: string;
  /** The `mod_desc` of the cancel that follows an approval the merchant could not record. */
  autoCancelReason: string;
  /** `tran_cd` the window hands out for a payment (observed; always pass the window's through). */
  tranCdPayment: string;
  /** `tran_cd` the window hands out for billing-key issuance (observed). */
  tranCdBillingKey: string;
  payMethods: { usePayMethod: string; name: string; payType: string }[];
  currencyKrw: string;
  cardTxTypeKeyIn: string;
  cardTxTypeBilling: string;
  txTypeBillingKeyDelete: string;
  vaTxType: string;
  /** `res_cd`s taken as success of a virtual-account issuance (sources conflict). */
  vaSuccessCodes: string[];
  tradePayMethods: string[];
  notification: {
    ackResult: string;
    opCdDepositCancelled: string;
    txCodes: { code: string; name: string; label: string }[];
    notifierIps: { staging: string[]; production: string[] };
  };
  /**
   * The hub's `pay_method` values: `card` (billing-key and key-in payments), `virtualAccount`
   * (issuance) and `billingKey` (deletion; also the `use_pay_method` the window hands back after
   * a billing-key issuance).
   */
  hubPayMethods: { card: string; virtualAccount: string; billingKey: string };
}

/** What the core knows about KCP, for code that must not restate it (emulators, forms). */
export declare function kcpFacts(): KcpFacts;

export interface ModifyResult {
  resCd: '0000';
  resMsg: string;
  tno: string;
  /** `canc_time`, verbatim (yyyyMMddHHmmss). */
  canceledAt?: string;
  /** `mod_mny` */
  amount?: number;
  /** `rem_mny`: the balance after this cancel. Absent means unknown (KCP did not report it), not zero. */
  remaining?: number;
  /** The partial-cancel sequence number: `mod_pacn_seq_no` (or `mod_pcan_seq_no`). */
  partialSequence?: string;
  /**
   * KCP applied the change (`res_cd` `0000`), whatever these say. Each is something in the reply
   * that disagrees with the request or could not be read; when there are any, record the result,
   * then inquire about the transaction before doing anything else with it. Empty when all agrees.
   */
  warnings: ResultWarning[];
  /** Every field KCP sent, verbatim (integers beyond 2^53 as strings of their digits). */
  raw: Record<string, unknown>;
}

/** Something in a successful reply that disagrees with the request, or could not be read. */
export interface ResultWarning {
  /**
   * `TNO_MISMATCH`: the reply names another transaction; `REMAINING_MISMATCH`: a partial refund's
   * `rem_mny` is not the request's `remaining − amount`; `AMOUNT_MISMATCH`: `mod_mny` is not the
   * request's; `AMOUNT_UNREADABLE`: an amount is not a whole number (then left out of the result).
   */
  code: 'TNO_MISMATCH' | 'REMAINING_MISMATCH' | 'AMOUNT_MISMATCH' | 'AMOUNT_UNREADABLE';
  /** The reply field: `tno`, `rem_mny` or `mod_mny`. */
  field: string;
  /** What the request implies. */
  expected?: string;
  /** What KCP reported, verbatim. */
  reported?: string;
  message: string;
}

export interface InquiryResult {
  resCd: '0000';
  resMsg: string;
  tno?: string;
  raw: Record<string, unknown>;
}

/** A merchant's key and certificate bound to a KCP environment. */
export declare class KcpClient {
  /**
   * Decrypts the key once, and refuses a key that is not the certificate's pair (KEY_CERT_MISMATCH).
   */
  constructor(options: KcpClientOptions);
  readonly siteCd: string;
  /** e.g. `https://stg-spl.kcp.co.kr` */
  readonly baseUrl: string;
  /** The certificate's `kcp_cert_info`. */
  readonly kcpCertInfo: string;

  prepareCancel(input: CancelInput): PreparedRequest;
  prepareRefund(input: RefundInput): PreparedRequest;
  prepareModify(input: ModifyInput): PreparedRequest;
  prepareInquiry(input: InquiryInput): PreparedRequest;

  /** Full cancel (STSC). Sent once, never retried. */
  cancel(input: CancelInput, options?: RequestOptions): Promise<ModifyResult>;
  /** Partial cancel (STPC). Sent once, never retried. Resolves whenever KCP says `0000`; check `warnings`. */
  refund(input: RefundInput, options?: RequestOptions): Promise<ModifyResult>;
  /** Any other `mod_type`. Sent once, never retried. */
  modify(input: ModifyInput, options?: RequestOptions): Promise<ModifyResult>;
  /** Transaction inquiry. */
  inquire(input: InquiryInput, options?: RequestOptions): Promise<InquiryResult>;

  prepareApproval(input: ApprovalInput): PreparedRequest;
  prepareBillingKey(input: BillingKeyInput): PreparedRequest;
  prepareBillingCharge(input: BillingChargeInput): PreparedRequest;
  prepareBillingKeyDelete(input: BillingKeyDeleteInput): PreparedRequest;
  prepareVirtualAccount(input: VirtualAccountInput): PreparedRequest;
  /** The body holds the card number: never log it. */
  prepareKeyIn(input: KeyInInput): PreparedRequest;
  prepareTradeRegistration(input: TradeRegistrationInput): PreparedRequest;

  /**
   * Approves a payment window's result (`/gw/enc/v1/payment`). Moves money: sent once, never
   * retried; no answer is `OUTCOME_UNKNOWN` (the buyer may have been charged). Resolves whenever
   * KCP says `0000`: check `warnings` (`AMOUNT_MISMATCH`: KCP approved another amount).
   */
  approve(input: ApprovalInput, options?: RequestOptions): Promise<PaymentResult>;
  /**
   * Approves, then `await record(result)`. If `record` throws, sends ONE full cancel (STSC) of the
   * new `tno` (reason: `kcpFacts().autoCancelReason`), never retried, and rejects with
   * `APPROVAL_CANCELLED` (the buyer is not charged) or `APPROVAL_CANCEL_FAILED` (inquire about the
   * `tno` before anything else). An approval that fails rejects as `approve` does. The cancel is
   * sent with `options.timeoutMs` but not `options.signal`: aborting must not stop it.
   */
  approveAndRecord(
    input: ApprovalInput,
    record: (result: PaymentResult) => unknown,
    options?: RequestOptions,
  ): Promise<PaymentResult>;
  /** Issues a billing key from a billing-key window's result. */
  issueBillingKey(input: BillingKeyInput, options?: RequestOptions): Promise<BillingKeyResult>;
  /** Charges a billing key. Moves money: no answer is `OUTCOME_UNKNOWN`; inquire before charging again. */
  chargeBillingKey(input: BillingChargeInput, options?: RequestOptions): Promise<PaymentResult>;
  /** Deletes a billing key (grade C contract: third-party sources only). */
  deleteBillingKey(input: BillingKeyDeleteInput, options?: RequestOptions): Promise<BillingKeyDeleteResult>;
  /** Issues a virtual account (success `0000` or `V000`: sources conflict). Never retried. */
  issueVirtualAccount(input: VirtualAccountInput, options?: RequestOptions): Promise<VirtualAccountResult>;
  /** Key-in payment with a card number. Moves money. No error of this package quotes the card fields. */
  keyIn(input: KeyInInput, options?: RequestOptions): Promise<PaymentResult>;
  /** Trade registration for the mobile window: the `approvalKey` and `payUrl` it needs. */
  registerTrade(input: TradeRegistrationInput, options?: RequestOptions): Promise<TradeRegistrationResult>;

  /** Wipes the key. Later calls throw KcpError FREED. */
  free(): void;
  [Symbol.dispose](): void;
}

// ---- payments: approval, billing keys, virtual accounts, key-in, trade registration ----------

/** What the payment window handed back, and the merchant's own amount. */
export interface ApprovalInput {
  /** `tran_cd`, as the window handed it over (digits; never hard-code it). */
  tranCd: string;
  /** `enc_data`, unchanged. */
  encData: string;
  /** `enc_info`, unchanged. */
  encInfo: string;
  /** `ordr_mony`: the amount in your own records; KCP refuses an approval of another amount. */
  amount: Amount;
  /** The window's `use_pay_method` (e.g. `100000000000`): the method when KCP's reply does not name one. */
  usePayMethod?: string;
  /** The order number (`ordr_idxx`) the window was opened with: not sent, but checked against the reply. */
  orderId?: string;
}

/** A billing-key window's result. */
export interface BillingKeyInput {
  tranCd: string;
  encData: string;
  encInfo: string;
}

export interface BillingChargeInput {
  /** `bt_batch_key`: the billing key. */
  batchKey: string;
  /** `bt_group_id`: your billing group id (the window's `kcp_group_id`). */
  groupId: string;
  /** `ordr_idxx` (at most 40 ASCII characters). */
  orderId: string;
  /** `amount` and `card_mny`. */
  amount: Amount;
  /** `good_name`. */
  goodName: string;
  /** `buyr_name` */
  buyerName?: string;
  /** `buyr_mail` */
  buyerEmail?: string;
  /** `buyr_tel2` */
  buyerPhone?: string;
  /** `quota`: instalment months, 0 (lump sum, the default) to 99. */
  installments?: number;
  /** `cust_ip` */
  customerIp?: string;
}

export interface BillingKeyDeleteInput {
  /** `batch_key` */
  batchKey: string;
  /** `group_id` */
  groupId: string;
}

export interface VirtualAccountInput {
  /** `ordr_idxx` */
  orderId: string;
  /** `amount` and `va_mny`. */
  amount: Amount;
  /** `good_name` */
  goodName: string;
  /** `buyr_name` */
  buyerName: string;
  /** `va_bankcode`: KCP's bank code (e.g. `BK04`). */
  bankCode: string;
  /** `va_name`: the depositor name shown to the buyer. */
  depositor: string;
  /** `va_date`: the deposit deadline, `yyyyMMddHHmmss` (KST). */
  dueAt: string;
  buyerEmail?: string;
  buyerPhone?: string;
  /** The cash receipt to issue on deposit: `va_receipt_gubn` (`deduction` 0, `proof` 1) and `va_taxno` (digits). */
  cashReceipt?: { purpose: 'deduction' | 'proof'; id: string };
  customerIp?: string;
}

/** A key-in payment. Holds card data: keep it out of logs (and mind your PCI DSS scope). */
export interface KeyInInput {
  orderId: string;
  amount: Amount;
  goodName: string;
  buyerName?: string;
  buyerEmail?: string;
  buyerPhone?: string;
  /** `card_no`: 13 to 19 digits with a valid check digit. */
  cardNumber: string;
  /** `card_expiry`: `YYMM`. */
  expiry: string;
  /** `card_taxno` for a personal card: birth date `YYMMDD`. */
  birthDate?: string;
  /** `card_taxno` for a corporate card: the 10-digit business number (instead of `birthDate`). */
  businessNumber?: string;
  /** `card_pwd`: the first two digits of the card password. */
  cardPasswordPrefix?: string;
  installments?: number;
  customerIp?: string;
}

export interface TradeRegistrationInput {
  /** `ordr_idxx` */
  orderId: string;
  /** `good_mny` */
  amount: Amount;
  /** `good_name` */
  goodName: string;
  /** `pay_method`: one of `kcpFacts().tradePayMethods` (`CARD`, `BANK`, `VCNT`, `MOBX`, `TPNT`, `GIFT`, `AUTH`). */
  payMethod: string;
  /** `Ret_URL`: where KCP's mobile window posts its result. */
  returnUrl: string;
  /** `escw_used` (default false). */
  escrow?: boolean;
  /** `user_agent` (default empty). */
  userAgent?: string;
}

/** Card details of a payment. */
export interface CardDetails {
  /** `card_cd`, e.g. `CCLG`. */
  code?: string;
  /** `card_name` */
  name?: string;
  /** `app_no`: the approval number. */
  approvalNo?: string;
  /** `noinf` = `Y`. */
  interestFree?: boolean;
  /** `quota`: instalment months (0: lump sum). */
  installments?: number;
  /** `acqu_cd` */
  acquirerCode?: string;
  /** `acqu_name` */
  acquirerName?: string;
  /** Points used with the card (`pnt_issue` present). */
  points?: PointsDetails;
}

/** Points details (`pnt_*`). */
export interface PointsDetails {
  /** `pnt_issue` (`SCSK`, `SCWB`, …). */
  issuer?: string;
  /** `pnt_amount`: the amount paid with points. */
  amount?: number;
  /** `add_pnt` */
  added?: number;
  /** `use_pnt` */
  used?: number;
  /** `rsv_pnt` */
  balance?: number;
  /** `pnt_app_time` */
  approvedAt?: string;
  /** `pnt_app_no` */
  approvalNo?: string;
}

export interface BankDetails {
  /** `bank_name` */
  name?: string;
  /** `bank_code` */
  code?: string;
}

export interface VirtualAccountDetails {
  /** `bankname` */
  bankName?: string;
  /** `bankcode` */
  bankCode?: string;
  depositor?: string;
  account?: string;
  /** `va_date`: the deposit deadline. */
  dueAt?: string;
}

export interface MobileDetails {
  /** `commid` */
  carrier?: string;
  /** `mobile_no` */
  number?: string;
}

export interface GiftDetails {
  /** `tk_van_code` */
  vanCode?: string;
  /** `tk_app_no` */
  approvalNo?: string;
  /** `tk_app_time` */
  approvedAt?: string;
}

export interface CashReceiptDetails {
  /** `cash_authno` */
  approvalNo?: string;
  /** `cash_no` */
  receiptNo?: string;
}

/** A payment KCP approved (`res_cd` `0000`): an approval, a billing-key charge or a key-in payment. */
export interface PaymentResult {
  resCd: '0000';
  resMsg: string;
  /** KCP's transaction number (a `TNO_MISSING` warning when KCP sent none). */
  tno?: string;
  /** `amount`: the approved amount (none for a points payment: see `points.amount`). */
  amount?: number;
  /** `order_no` (or `ordr_idxx`), else the request's order number. */
  orderId?: string;
  /** `app_time`, verbatim (yyyyMMddHHmmss). */
  approvedAt?: string;
  method: 'card' | 'bank' | 'virtualAccount' | 'points' | 'mobile' | 'gift' | 'unknown';
  /** `PACA`, `PABK`, `PAVC`, `PAPT`, `PAMC`, `PATK`: the reply's `pay_method`, else the window's `usePayMethod`'s. */
  payType?: string;
  card?: CardDetails;
  bank?: BankDetails;
  virtualAccount?: VirtualAccountDetails;
  points?: PointsDetails;
  mobile?: MobileDetails;
  gift?: GiftDetails;
  cashReceipt?: CashReceiptDetails;
  /** `escw_yn` */
  escrow?: boolean;
  /** `partcanc_yn`: whether KCP allows partial cancels of it. */
  partialCancelAllowed?: boolean;
  /** KCP charged the buyer whatever these say; record the payment, then look into each. */
  warnings: PaymentWarning[];
  /** Every field KCP sent, verbatim. */
  raw: Record<string, unknown>;
}

export interface BillingKeyResult {
  resCd: '0000';
  resMsg: string;
  /** `batch_key`: the billing key (KCP sends no `tno` and no card number). */
  batchKey: string;
  /** `card_cd` */
  cardCode?: string;
  /** `card_name` */
  cardName?: string;
  /** `card_bank_cd` */
  cardBankCode?: string;
  raw: Record<string, unknown>;
}

export interface BillingKeyDeleteResult {
  resCd: '0000';
  resMsg: string;
  raw: Record<string, unknown>;
}

/** A virtual account KCP issued: the account the buyer pays into. */
export interface VirtualAccountResult {
  /** The success code KCP sent: `0000` or `V000` (sources conflict; both accepted). */
  resCd: string;
  resMsg: string;
  tno?: string;
  amount?: number;
  orderId?: string;
  /** `bankname` */
  bankName?: string;
  /** `bankcode` */
  bankCode?: string;
  account?: string;
  depositor?: string;
  /** `va_date`: the deposit deadline. */
  dueAt?: string;
  /** `app_time`: when the account was issued. */
  issuedAt?: string;
  warnings: PaymentWarning[];
  raw: Record<string, unknown>;
}

/** A trade registration (`Code` `0000`). Post the window's form to `payUrl` with `approval_key` = `approvalKey`. */
export interface TradeRegistrationResult {
  code: '0000';
  message: string;
  approvalKey: string;
  payUrl: string;
  traceNo?: string;
  raw: Record<string, unknown>;
}

/** `approveAndRecord`: recording failed, and the approval was cancelled in full; the buyer is not charged. */
export interface KcpApprovalCancelledError extends KcpError {
  readonly code: 'APPROVAL_CANCELLED';
  /** The approval that was cancelled. */
  readonly approval: PaymentResult;
  /** KCP's reply to the cancel. */
  readonly cancel: ModifyResult;
  /** What `record` threw. */
  readonly cause: unknown;
}

/**
 * `approveAndRecord`: recording failed, and the cancel was refused or has no known outcome: the
 * buyer may still be charged. Inquire about `approval.tno` before anything else.
 */
export interface KcpApprovalCancelFailedError extends KcpError {
  readonly code: 'APPROVAL_CANCEL_FAILED';
  readonly approval: PaymentResult;
  /** Why the cancel failed (`KCP_REJECTED`, `OUTCOME_UNKNOWN`, …). */
  readonly cancelError: KcpError;
  /** What `record` threw. */
  readonly cause: unknown;
}

/** Something in a successful payment reply that disagrees with the request, or could not be read. */
export interface PaymentWarning {
  /**
   * `AMOUNT_MISMATCH`: KCP approved (or issued) another `amount` than requested (KCP tells merchants
   * to check it); `AMOUNT_UNREADABLE`: an amount is not a whole number; `TNO_MISSING`: a success
   * without a `tno`; `ORDER_MISMATCH`: the reply names another order; `TNO_MISMATCH`.
   */
  code: 'AMOUNT_MISMATCH' | 'AMOUNT_UNREADABLE' | 'TNO_MISSING' | 'ORDER_MISMATCH' | 'TNO_MISMATCH';
  /** The reply field: `amount`, `tno`, `order_no`, `pnt_amount`, … */
  field: string;
  expected?: string;
  reported?: string;
  message: string;
}
// KCP's common notification (공통 통보): the unauthenticated form POST KCP sends to the URL the
// merchant registered (virtual-account deposits, escrow events, …).

/** How a notification body's text is read: KCP's encoding setting (EUC-KR is likely its default). */
export type NotificationCharset = 'utf-8' | 'euc-kr' | 'auto';

/** This library's name for a `tx_cd` (`kcpFacts().notification.txCodes`), or `unknown`. */
export type NotificationKind =
  | 'virtualAccountDeposit'
  | 'virtualAccountRefund'
  | 'escrowPurchaseDecision'
  | 'escrowDeliveryStarted'
  | 'settlementHold'
  | 'immediateCancel'
  | 'cancel'
  | 'virtualAccountClosed'
  | 'mobileTransfer'
  | 'unknown';

/** A notification, read. Unauthenticated: check the sender's address, then inquire about the `tno`. */
export interface KcpNotification {
  /** From `tx_cd`; `unknown` for a code this library does not know (still read, common fields only). */
  kind: NotificationKind;
  /** `tx_cd`, verbatim (`TX00` …). */
  txCd?: string;
  /** `site_cd`: check that it is yours. */
  siteCd?: string;
  /** `tno`: KCP's transaction number, 1 to 14 digits. */
  tno: string;
  /** `order_no` (or `ordr_idxx`): your order id. */
  orderId?: string;
  /** `tx_tm`: when the event happened (yyyyMMddHHmmss), verbatim. */
  occurredAt?: string;
  /**
   * The same for every delivery of one event, different for different events: KCP re-sends until
   * acknowledged and may notify twice. `tno:noti_id:op_cd` for a deposit, `tno:tx_cd:tx_tm` otherwise.
   */
  dedupKey: string;
  /** TX00. */
  deposit?: NotificationDeposit;
  /** TX01: a virtual-account refund. */
  refund?: { /** `refund_nm` */ name?: string; /** `refund_mny` */ amount?: number; /** `bank_code` */ bankCode?: string };
  /** TX02: an escrow purchase decision. */
  escrow?: {
    /** `st_cd`, verbatim. */
    status?: string;
    /** `Y` confirmed, `N` cancelled, `S` confirmed by the system; anything else `unknown`. */
    decision: 'confirmed' | 'cancelled' | 'autoConfirmed' | 'unknown';
    /** `can_msg`, with a cancel. */
    cancelReason?: string;
  };
  /** TX03: escrow delivery started. */
  delivery?: { /** `waybill_no` */ waybillNo?: string; /** `waybill_corp` */ carrier?: string };
  /** TX08: mobile bank transfer. */
  mobileTransfer?: { /** `ipgm_mnyx` */ amount?: number; /** `bank_code` */ bankCode?: string };
  /** Every field KCP sent, decoded, as strings. */
  raw: Record<string, string>;
}

/** A TX00 virtual-account deposit, or (`cancelled`) the bank-network cancel of one. */
export interface NotificationDeposit {
  /**
   * `ipgm_mnyx`: the amount actually deposited. It can differ from the order's amount; KCP settles
   * what was deposited and will not refund the difference: decide what to do with your order.
   */
  amount?: number;
  /** `totl_mnyx`: the total deposited into the account (differs for fixed accounts). */
  total?: number;
  /** `ipgm_time` (yyyyMMddHHmmss), verbatim. */
  depositedAt?: string;
  /** `bank_code` */
  bankCode?: string;
  /** `account`: the virtual account number. */
  account?: string;
  /** `noti_id`: unique per notification. */
  notificationId?: string;
  /** `op_cd`, verbatim. */
  opCd?: string;
  /** `op_cd` is `13`: this cancels an earlier deposit (treat every other `op_cd` as a deposit). */
  cancelled: boolean;
  /** `ipgm_name`: the name KCP has for the depositor (the orderer). */
  payerName?: string;
  /** `remitter`: who actually sent the money (may differ from the orderer). */
  remitter?: string;
  /** When a cash receipt was issued: `cash_a_no`, `cash_a_dt`, `cash_no`. */
  cashReceipt?: { approvalNumber?: string; approvedAt?: string; transactionNumber?: string };
}

/**
 * Reads KCP's notification body (application/x-www-form-urlencoded). `charset` is KCP's encoding
 * setting. Default `auto`: UTF-8 when the body is valid UTF-8 with Hangul (or other 3-byte
 * characters) or no character beyond ASCII, else EUC-KR (EUC-KR Hangul can look like 2-byte UTF-8;
 * a UTF-8 body whose only non-ASCII characters are 2-byte ones, such as `é`, is misread: set the
 * charset when you know it). A string body is read as its UTF-8 bytes. Throws NOTIFICATION_MALFORMED (no valid `tno`, a bad `%` escape, over 64 KiB,
 * not UTF-8 under `utf-8`, the same field twice with different values, an amount that is not a
 * number); the message never quotes the body.
 */
export declare function parseNotification(
  body: string | Uint8Array | ArrayBuffer,
  options?: { charset?: NotificationCharset },
): KcpNotification;

/** The HTML body KCP expects: `result` `0000` when `ok` (default; KCP stops), a refusal otherwise (KCP notifies again). */
export declare function notificationReply(ok?: boolean): string;

/**
 * Whether a reply acknowledges a notification: an element named `result` with the value `0000`
 * (quotes, case and attribute order as HTML allows). A bare `0000`, JSON or `result=0000` is not:
 * KCP documents only the form.
 */
export declare function notificationAcknowledged(text: string): boolean;

/**
 * Whether `ip` is one of KCP's notifier addresses (`kcpFacts().notification.notifierIps`) for
 * `environment` (default `production`). Strict: `a.b.c.d` or `::ffff:a.b.c.d`, nothing around it.
 * Pass the address your platform vouches for, never `X-Forwarded-For` as the client sent it.
 */
export declare function isKcpNotifierIp(ip: string, environment?: 'staging' | 'production'): boolean;

/** Form-encodes fields as KCP posts a notification (default `utf-8`; `auto` is UTF-8), for tests and emulators. */
export declare function encodeNotification(
  fields: Record<string, string | number>,
  options?: { charset?: NotificationCharset },
): Uint8Array;

export interface NotificationHandlerOptions {
  /**
   * Called with each notification that passed the checks. The handler acknowledges (`result`
   * `0000`) only after it resolves; when it throws, KCP is refused and notifies again. Make it
   * idempotent on `dedupKey`. A permanent failure (an unknown order) should resolve, or KCP
   * retries forever. `request`'s body has already been read.
   */
  onNotification: (notification: KcpNotification, request: Request) => unknown;
  /** Whose notifier addresses are accepted. Default `production`. */
  environment?: 'staging' | 'production';
  /** KCP's encoding setting. Default `auto`. */
  charset?: NotificationCharset;
  /**
   * The sender's address as your platform vouches for it, e.g.
   * `(r) => r.headers.get('cf-connecting-ip')` on Cloudflare, the socket address on Node. Never the
   * raw `X-Forwarded-For`. Anything else than a KCP notifier address of `environment` gets 403.
   * Required unless `allowAnyIp` is true.
   */
  clientIp?: (request: Request) => string | undefined | null | Promise<string | undefined | null>;
  /** Accept notifications from any address (local tests, emulators). Not together with `clientIp`. */
  allowAnyIp?: boolean;
  /** Told every refusal's cause (for logs); what it throws is ignored. The reply never carries it. */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * A Fetch API handler for the notification URL (Workers, Next, Deno, Bun, Node ≥ 20):
 * - not POST: 405; `clientIp` not a notifier address: 403; body over 64 KiB: 413; malformed: 400;
 * - then `await onNotification(notification, request)`: 200 with `result` `0000` once it resolved,
 *   500 with the refusal when it threw (KCP notifies again).
 * Every reply is `text/html` (the reply of notificationReply), and no refusal carries error text.
 * Throws CONFIG_INVALID at creation without `clientIp` or `allowAnyIp: true`.
 */
export declare function createNotificationHandler(options: NotificationHandlerOptions): (request: Request) => Promise<Response>;
