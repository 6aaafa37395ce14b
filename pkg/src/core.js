// The JavaScript face of kcp-wasm, shared by every runtime entry. The entries (node.js, deno.js,
// workerd.js, edge-light.js, browser.js, entry-node-cjs.js) only differ in how they load the
// .wasm; everything a user calls lives here. Nothing at module scope touches the wasm,
// randomness or the clock: Workers forbid that, and importing must stay cheap.
import * as wasm from '../dist/wasm/kcp_wasm.js';
import wasmInit, { initSync as wasmInitSync } from '../dist/wasm/kcp_wasm.js';
import { kcpError, toPlain } from './errors.js';
import { call, isReady, markReady } from './ready.js';
import { sendPrepared } from './transport.js';
import { simdSupported } from './wasm-file.js';

export {
  ERROR_CODES,
  KcpError,
  KcpRejectedError,
  KcpHttpError,
  KcpNetworkError,
  KcpOutcomeUnknownError,
} from './errors.js';
export { parseNotification, notificationReply, notificationAcknowledged, isKcpNotifierIp, createNotificationHandler, encodeNotification } from './notifications.js';

let pending = null;

/**
 * Loads the WebAssembly module. Needed once in browsers (the `browser`/`default` entry);
 * everywhere else the module is loaded at import and this resolves at once. Idempotent.
 * `input`: the .wasm URL (default: next to this file), a Response, its bytes, or a
 * compiled WebAssembly.Module.
 */
export function init(input) {
  if (isReady()) return Promise.resolve();
  if (pending === null) {
    const source = input === undefined ? defaultWasmUrl() : input;
    pending = wasmInit({ module_or_path: source }).then(
      () => {
        markReady();
      },
      (error) => {
        pending = null;
        throw kcpError('NOT_INITIALIZED', { message: `could not load kcp-wasm's WebAssembly module: ${error?.message ?? error}`, cause: error });
      },
    );
  }
  return pending;
}

// Both URLs are written out whole so that bundlers (Vite, webpack, esbuild) see and copy both.
function defaultWasmUrl() {
  return simdSupported()
    ? new URL('../dist/wasm/kcp_wasm_bg.wasm', import.meta.url)
    : new URL('../dist/wasm/kcp_wasm_scalar_bg.wasm', import.meta.url);
}

/**
 * Loads the WebAssembly module synchronously from a compiled WebAssembly.Module (or its
 * bytes, where the runtime allows compiling them). No-op once loaded.
 */
export function initSync(input) {
  if (isReady()) return;
  if (input === undefined || input === null) {
    throw kcpError('NOT_INITIALIZED', { message: 'initSync needs the compiled WebAssembly.Module or the .wasm bytes' });
  }
  try {
    wasmInitSync({ module: input });
  } catch (error) {
    throw kcpError('NOT_INITIALIZED', { message: `could not load kcp-wasm's WebAssembly module: ${error?.message ?? error}`, cause: error });
  }
  markReady();
}

function requireString(value, field, code = 'FIELD_INVALID') {
  if (typeof value !== 'string') {
    throw kcpError(code, { message: `${field} must be a string, got ${value === null ? 'null' : typeof value}`, field });
  }
  return value;
}

function requireObject(value, what, code = 'FIELD_INVALID') {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw kcpError(code, { message: `${what} must be an object` });
  }
  return value;
}

/**
 * A key as the core reads it: PEM text, or DER bytes (a Uint8Array/ArrayBuffer holding either
 * PEM text or DER), which the core accepts as a bare base64 body.
 */
function keyText(key) {
  if (typeof key === 'string') return key;
  let bytes;
  if (key instanceof Uint8Array) bytes = key;
  else if (key instanceof ArrayBuffer) bytes = new Uint8Array(key);
  else if (ArrayBuffer.isView(key)) bytes = new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
  else throw kcpError('KEY_MALFORMED', { message: 'the private key must be PEM text or the bytes of a PEM/DER file' });
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64));
  if (head.includes('-----BEGIN')) return new TextDecoder().decode(bytes);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const disposeSymbol = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/** A decrypted merchant private key that signs KCP plaintexts (`kcp_sign_data`). */
export class KcpSigner {
  #inner;

  /** @private Use KcpSigner.fromPem. */
  constructor(inner) {
    if (!(inner instanceof wasm.Signer)) {
      throw new TypeError('use KcpSigner.fromPem(pem, password) to create a KcpSigner');
    }
    this.#inner = inner;
  }

  /** Decrypts a private key (PEM or DER bytes; KCP's PKCS#12-PBE form, PBES2, PKCS#8 or PKCS#1). */
  static fromPem(pem, password) {
    return call(() => {
      return new KcpSigner(wasm.Signer.fromPem(keyText(pem), password));
    });
  }

  #live() {
    if (this.#inner === null) throw kcpError('FREED', { message: 'this KcpSigner was freed' });
    return this.#inner;
  }

  /** Signs `plaintext` (UTF-8): base64 RSASSA-PKCS1-v1_5 over SHA-256, i.e. `kcp_sign_data`. */
  sign(plaintext) {
    return call(() => this.#live().sign(requireString(plaintext, 'plaintext')));
  }

  /** Whether this key is the pair of the certificate (PEM). */
  matchesCertificate(certificatePem) {
    return call(() => this.#live().matchesCertificate(requireString(certificatePem, 'certificate', 'CERT_MALFORMED')));
  }

  get modulusBits() {
    return call(() => this.#live().modulusBits);
  }

  get keyFormat() {
    return call(() => this.#live().keyFormat);
  }

  /** Wipes the key from wasm memory. Further calls throw FREED. Safe to call twice. */
  free() {
    const inner = this.#inner;
    this.#inner = null;
    if (inner !== null) inner.free();
  }

  [disposeSymbol]() {
    this.free();
  }
}

/** The certificate PEM serialized into one line: KCP's `kcp_cert_info`. */
export function serializeCertificate(certificatePem) {
  return call(() => wasm.serializeCertificate(requireString(certificatePem, 'certificate', 'CERT_MALFORMED')));
}

/** Subject, issuer, serial number, validity and key size of a certificate, and its kcp_cert_info. */
export function inspectCertificate(certificatePem) {
  return call(() => toPlain(wasm.inspectCertificate(requireString(certificatePem, 'certificate', 'CERT_MALFORMED'))));
}

/**
 * KCP result codes with a known meaning, from the core's one table: `[{ code, hint, source }]`.
 * A KcpRejectedError for one of them carries the `hint`.
 */
export function resultCodes() {
  return call(() => toPlain(wasm.resultCodes()));
}

/**
 * What the core knows about KCP, for code that must not restate it: hosts, paths, the HTTP
 * method, limits (`maxAmount`, `maxReasonBytes`, `tnoMaxDigits`), and every `mod_type` and
 * `pay_type` with its facts (partial? needs a refund account? moves money?).
 */
export function kcpFacts() {
  return call(() => toPlain(wasm.kcpFacts()));
}

/** Verifies a `kcp_sign_data` signature of `plaintext` against the certificate's public key. */
export function verifySignature(certificatePem, plaintext, signature) {
  return call(() =>
    wasm.verifySignature(
      requireString(certificatePem, 'certificate', 'CERT_MALFORMED'),
      requireString(plaintext, 'plaintext'),
      requireString(signature, 'signature'),
    ),
  );
}

/** The plaintext a cancel/refund signs: `site_cd^tno^mod_type` (fields validated). */
export function cancelPlaintext(siteCd, tno, modType) {
  return call(() => wasm.cancelPlaintext(requireString(siteCd, 'site_cd'), requireString(tno, 'tno'), requireString(modType, 'mod_type')));
}

/** The plaintext an inquiry signs: `site_cd^tno^pay_type` (fields validated). */
export function inquiryPlaintext(siteCd, tno, payType) {
  return call(() => wasm.inquiryPlaintext(requireString(siteCd, 'site_cd'), requireString(tno, 'tno'), requireString(payType, 'pay_type')));
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The facade's prepared request as a plain object: every fact is the core's. */
function view(handle) {
  return toPlain(handle.view());
}

/** A plain copy of a prepared request; the facade's handle is freed at once. */
function viewOnce(handle) {
  try {
    return view(handle);
  } finally {
    handle.free();
  }
}

/**
 * A KCP merchant: certificate + decrypted key, bound to an environment. Prepares signed
 * requests (prepare*) and sends them through `fetch` (cancel/refund/inquire/modify).
 */
export class KcpClient {
  #merchant;
  #fetch;
  #timeoutMs;

  constructor(options) {
    call(() => {
      requireObject(options, 'KcpClient options', 'CONFIG_INVALID');
      const { siteCd, certificate, privateKey, password, environment, baseUrl, fetch, timeoutMs } = options;
      // The merchant's configuration is checked by the core alone (Merchant::from_pem); only
      // the options of the JavaScript layer itself (fetch, timeoutMs) are checked here.
      if (fetch !== undefined && typeof fetch !== 'function') {
        throw kcpError('CONFIG_INVALID', { message: 'fetch must be a function', field: 'fetch' });
      }
      this.#timeoutMs = checkTimeout(timeoutMs, DEFAULT_TIMEOUT_MS);
      this.#fetch = fetch;
      const key = privateKey === undefined || privateKey === null ? privateKey : keyText(privateKey);
      this.#merchant = new wasm.Merchant({ siteCd, certificate, privateKey: key, password, environment, baseUrl });
    });
  }

  #live() {
    if (this.#merchant === null) throw kcpError('FREED', { message: 'this KcpClient was freed' });
    return this.#merchant;
  }

  get siteCd() {
    return call(() => this.#live().siteCd);
  }

  get baseUrl() {
    return call(() => this.#live().baseUrl);
  }

  get kcpCertInfo() {
    return call(() => this.#live().kcpCertInfo);
  }

  /** Full cancel (`mod_type` STSC). */
  prepareCancel(input) {
    return call(() => viewOnce(this.#live().prepareCancel(input)));
  }

  /** Partial cancel / refund (`mod_type` STPC): `amount` now, out of the `remaining` balance before it. */
  prepareRefund(input) {
    return call(() => viewOnce(this.#live().prepareRefund(input)));
  }

  /** Any other `mod_type` on the cancel endpoint (STMR capture, STHD/STPD refunds to an account, escrow steps...). */
  prepareModify(input) {
    return call(() => viewOnce(this.#live().prepareModify(input)));
  }

  /** Transaction inquiry (`/std/inquery`). */
  prepareInquiry(input) {
    return call(() => viewOnce(this.#live().prepareInquiry(input)));
  }

  /** Sends a full cancel. Never retried: on OUTCOME_UNKNOWN, inquire before anything else. */
  cancel(input, options) {
    return this.#send((m) => m.prepareCancel(input), options);
  }

  /** Sends a partial cancel / refund. Never retried: on OUTCOME_UNKNOWN, inquire before anything else. */
  refund(input, options) {
    return this.#send((m) => m.prepareRefund(input), options);
  }

  /** Sends any other modification. Never retried. */
  modify(input, options) {
    return this.#send((m) => m.prepareModify(input), options);
  }

  /** Sends a transaction inquiry. */
  inquire(input, options) {
    return this.#send((m) => m.prepareInquiry(input), options);
  }

  /** Approval of a payment window's result (`/gw/enc/v1/payment`), unsent. */
  prepareApproval(input) {
    return call(() => viewOnce(this.#live().prepareApproval(input)));
  }

  /** Billing-key issuance from a billing-key window's result, unsent. */
  prepareBillingKey(input) {
    return call(() => viewOnce(this.#live().prepareBillingKey(input)));
  }

  /** Payment with a billing key (`/gw/hub/v1/payment`), unsent. */
  prepareBillingCharge(input) {
    return call(() => viewOnce(this.#live().prepareBillingCharge(input)));
  }

  /** Deletion of a billing key, unsent. */
  prepareBillingKeyDelete(input) {
    return call(() => viewOnce(this.#live().prepareBillingKeyDelete(input)));
  }

  /** Virtual-account issuance, unsent. */
  prepareVirtualAccount(input) {
    return call(() => viewOnce(this.#live().prepareVirtualAccount(input)));
  }

  /** Key-in payment, unsent. Its body holds the card number: never log it. */
  prepareKeyIn(input) {
    return call(() => viewOnce(this.#live().prepareKeyIn(input)));
  }

  /** Trade registration for the mobile window (`/std/tradeReg/register`), unsent. */
  prepareTradeRegistration(input) {
    return call(() => viewOnce(this.#live().prepareTradeRegistration(input)));
  }

  /**
   * Approves a payment window's result. Moves money: never retried; OUTCOME_UNKNOWN when no
   * answer came (the buyer may have been charged: inquire before anything else). Resolves
   * whenever KCP says `0000`; check `warnings` (an AMOUNT_MISMATCH means KCP approved another
   * amount than `amount`).
   */
  approve(input, options) {
    return this.#send((m) => m.prepareApproval(input), options);
  }

  /**
   * Approves, then `await record(result)`. If `record` throws, sends ONE full cancel (STSC) of
   * the new `tno` with the core's AUTO_CANCEL_REASON, as KCP's samples do, never retried, and
   * throws APPROVAL_CANCELLED (the cancel succeeded: `.approval`, `.cancel`, `.cause`) or
   * APPROVAL_CANCEL_FAILED (the cancel was refused or its outcome is unknown: `.approval`,
   * `.cancelError`, `.cause`; inquire about the tno before anything else).
   */
  async approveAndRecord(input, record, options) {
    if (typeof record !== 'function') {
      throw kcpError('CONFIG_INVALID', { message: 'approveAndRecord needs a record(result) function', field: 'record' });
    }
    const approval = await this.approve(input, options);
    try {
      await record(approval);
      return approval;
    } catch (cause) {
      const timeoutMs = options !== null && typeof options === 'object' ? options.timeoutMs : undefined;
      let cancel;
      try {
        cancel = await this.#send((m) => m.prepareAutoCancel(approval.tno), timeoutMs === undefined ? undefined : { timeoutMs });
      } catch (cancelError) {
        throw kcpError('APPROVAL_CANCEL_FAILED', { approval, cancelError, cause });
      }
      throw kcpError('APPROVAL_CANCELLED', { approval, cancel, cause });
    }
  }

  /** Issues a billing key (`batch_key`) from a billing-key window's result. */
  issueBillingKey(input, options) {
    return this.#send((m) => m.prepareBillingKey(input), options);
  }

  /**
   * Charges a billing key. Moves money: never retried; a charge with no answer is
   * OUTCOME_UNKNOWN: inquire before charging again.
   */
  chargeBillingKey(input, options) {
    return this.#send((m) => m.prepareBillingCharge(input), options);
  }

  /** Deletes a billing key. */
  deleteBillingKey(input, options) {
    return this.#send((m) => m.prepareBillingKeyDelete(input), options);
  }

  /** Issues a virtual account for an order (success `0000` or `V000`). Never retried. */
  issueVirtualAccount(input, options) {
    return this.#send((m) => m.prepareVirtualAccount(input), options);
  }

  /**
   * Key-in payment with a card number. Moves money: never retried. No error of this package
   * quotes the card fields; the prepared request's body holds them.
   */
  keyIn(input, options) {
    return this.#send((m) => m.prepareKeyIn(input), options);
  }

  /** Registers a trade for the mobile window: `{ approvalKey, payUrl, ... }`. */
  registerTrade(input, options) {
    return this.#send((m) => m.prepareTradeRegistration(input), options);
  }

  // The facade keeps the prepared request (and what its reply must match) until the reply is
  // read by the endpoint's own parser: nothing about it is decided or carried here.
  async #send(prepare, options) {
    const handle = call(() => prepare(this.#live()));
    try {
      const prepared = call(() => view(handle));
      const opts = options ?? {};
      requireObject(opts, 'request options', 'CONFIG_INVALID');
      const timeoutMs = checkTimeout(opts.timeoutMs, this.#timeoutMs);
      const fetchFn = this.#fetch ?? globalThis.fetch;
      if (typeof fetchFn !== 'function') {
        throw kcpError('CONFIG_INVALID', { message: 'no fetch: this runtime has no globalThis.fetch; pass `fetch` to new KcpClient', field: 'fetch' });
      }
      const text = await sendPrepared(fetchFn, prepared, { signal: opts.signal, timeoutMs });
      return call(() => toPlain(handle.parse(text)));
    } finally {
      handle.free();
    }
  }

  /** Wipes the key from wasm memory. Further calls throw FREED. Safe to call twice. */
  free() {
    const inner = this.#merchant;
    this.#merchant = null;
    if (inner !== null && inner !== undefined) inner.free();
  }

  [disposeSymbol]() {
    this.free();
  }
}

function checkTimeout(value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw kcpError('CONFIG_INVALID', { message: 'timeoutMs must be a positive number of milliseconds', field: 'timeoutMs' });
  }
  return value;
}
