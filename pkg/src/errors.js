// The error hierarchy of kcp-wasm. Callers branch on `code` (stable), never on messages.
// Facade errors arrive as plain `Error`s shaped by the facade; `toKcpError` gives them their class.

/** Every code an error of this package can carry. */
export const ERROR_CODES = Object.freeze([
  // from the Rust core
  'KEY_MALFORMED',
  'KEY_PASSWORD_INCORRECT',
  'KEY_FORMAT_UNSUPPORTED',
  'KEY_LIMIT_EXCEEDED',
  'KEY_INCONSISTENT',
  'RANDOM_UNAVAILABLE',
  'CERT_MALFORMED',
  'CERT_IS_PRIVATE_KEY',
  'KEY_CERT_MISMATCH',
  'FIELD_INVALID',
  'CONFIG_INVALID',
  'KCP_REJECTED',
  'RESPONSE_MALFORMED',
  'RESPONSE_INCONSISTENT',
  // from the JavaScript layer
  'HTTP_ERROR',
  'NETWORK_ERROR',
  'OUTCOME_UNKNOWN',
  'ABORTED',
  'NOT_INITIALIZED',
  'FREED',
  'INTERNAL',
]);

const BRAND = Symbol.for('kcp-wasm.KcpError');

/** Base class of every error this package throws. */
export class KcpError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ field?: string, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'KcpError';
    this.code = code;
    if (details.field !== undefined) this.field = details.field;
  }

  // `instanceof` across copies of the package (ESM and CommonJS builds loaded side by side)
  // still works: the brand is a registered symbol, shared by every copy.
  static [Symbol.hasInstance](value) {
    if (value === null || typeof value !== 'object' || value[BRAND] !== true) return false;
    for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      const ctor = p.constructor;
      if (ctor === this || (typeof ctor === 'function' && ctor.name === this.name)) return true;
    }
    return false;
  }

  get [BRAND]() {
    return true;
  }
}

/** KCP answered, and said no (`res_cd` other than `0000`). Nothing was changed by this call. */
export class KcpRejectedError extends KcpError {
  constructor({ resCd, resMsg, resEnMsg, raw, hint, message }) {
    super('KCP_REJECTED', message ?? `KCP refused the request: ${resCd} ${resMsg ?? ''}`.trim());
    this.name = 'KcpRejectedError';
    this.resCd = resCd;
    this.resMsg = resMsg ?? '';
    if (resEnMsg !== undefined && resEnMsg !== null) this.resEnMsg = resEnMsg;
    /** For a known `res_cd` (the core's table, `RESULT_CODES`): what it means and what to do. */
    if (typeof hint === 'string') this.hint = hint;
    this.raw = raw ?? {};
  }
}

/** KCP's server (or something in front of it) answered with a non-2xx HTTP status. */
export class KcpHttpError extends KcpError {
  constructor({ status, statusText, operation, movesMoney, body }) {
    // Whether the request moves money is the core's fact (the prepared request's movesMoney);
    // when it is not known, assume it does: the warning is then only superfluous.
    const mayHaveApplied = movesMoney !== false;
    super(
      'HTTP_ERROR',
      `KCP answered HTTP ${status}${statusText ? ` ${statusText}` : ''} to the ${operation} request` +
        (mayHaveApplied
          ? '; the change may or may not have been applied: inquire about the transaction before trying again'
          : ''),
    );
    this.name = 'KcpHttpError';
    this.status = status;
    this.operation = operation;
    if (typeof movesMoney === 'boolean') this.movesMoney = movesMoney;
    /** The start of the response body, for logs (KCP responses hold no secrets). */
    this.body = typeof body === 'string' ? body.slice(0, 1000) : '';
  }
}

/**
 * NETWORK_ERROR: safe to send again. Either the request changes nothing (an inquiry that got no
 * answer), or it certainly never left this machine (`reason` 'not-sent': the host name did not
 * resolve, or the connection was refused), whatever the operation.
 */
export class KcpNetworkError extends KcpError {
  constructor({ operation, reason, cause, message }) {
    super(
      'NETWORK_ERROR',
      message ??
        (reason === 'not-sent'
          ? `the ${operation} request never reached KCP (${notSentWhy(cause)}): nothing was sent, it may be sent again once the network is fixed`
          : `no answer from KCP to the ${operation} request (${reason}); it changes nothing and may be retried`),
      { cause },
    );
    this.name = 'KcpNetworkError';
    this.operation = operation;
    /** 'timeout' | 'aborted' | 'network' | 'not-sent' */
    this.reason = reason;
  }
}

/**
 * OUTCOME_UNKNOWN: a cancel, refund or modification was (or may have been) sent, and no answer
 * came back (timeout, network failure, abort): KCP may or may not have applied it. Never resend
 * blindly: inquire first, then decide. Deliberately NOT a KcpNetworkError (which is safe to
 * retry): `if (e instanceof KcpNetworkError) retry()` must never re-send a refund.
 */
export class KcpOutcomeUnknownError extends KcpError {
  constructor({ operation, reason, cause, tno }) {
    super(
      'OUTCOME_UNKNOWN',
      `the outcome of the ${operation} request${tno ? ` for tno ${tno}` : ''} is unknown (${reason}): ` +
        'KCP may already have applied it. Do not send it again blindly: inquire about the transaction ' +
        '(client.inquire) to see its state, then decide.',
      { cause },
    );
    this.name = 'KcpOutcomeUnknownError';
    this.operation = operation;
    /** 'timeout' | 'aborted' | 'network' */
    this.reason = reason;
    if (tno) this.tno = tno;
  }
}

function notSentWhy(cause) {
  const code = notSentCode(cause);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name did not resolve: ${code}`;
  return 'not sent';
}

// Error codes (Node's undici, under `cause`) that can only happen before any byte of a request is
// written: a DNS failure, or a refused TCP connection. Anything else (a reset, a TLS failure, a
// timeout, an unknown runtime's error) might come after the request left: OUTCOME_UNKNOWN.
const NOT_SENT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']);

/**
 * The code when `error` (what fetch rejected with) certainly means that nothing was sent, else
 * undefined. Looks at `error.cause` (undici: `TypeError('fetch failed', { cause })`), and at every
 * error of an AggregateError (several addresses tried, all refused).
 */
export function notSentCode(error) {
  const cause = error !== null && typeof error === 'object' ? error.cause : undefined;
  if (cause === null || typeof cause !== 'object') return undefined;
  if (typeof cause.code === 'string' && NOT_SENT_CODES.has(cause.code) && !Array.isArray(cause.errors)) return cause.code;
  if (Array.isArray(cause.errors) && cause.errors.length > 0) {
    const codes = cause.errors.map((e) => (e !== null && typeof e === 'object' ? e.code : undefined));
    if (codes.every((c) => typeof c === 'string' && NOT_SENT_CODES.has(c))) return codes[0];
  }
  return undefined;
}

/**
 * Gives what the wasm facade throws its class. A core error is shaped once, by the facade
 * (src/wasm/mod.rs `to_js`: `code`, the message, `field`, and for KCP_REJECTED KCP's reply and
 * the hint): its fields are copied here as they are, and only the class is chosen.
 */
export function toKcpError(error) {
  if (error instanceof KcpError) return error;
  const code = error !== null && typeof error === 'object' ? error.code : undefined;
  if (typeof code === 'string' && code.length > 0) {
    const { code: _code, name: _name, ...fields } = error;
    let message = String(error.message ?? code);
    if (code === 'RANDOM_UNAVAILABLE') message += randomHint();
    if (code === 'KCP_REJECTED') return new KcpRejectedError({ ...fields, message });
    return Object.assign(new KcpError(code, message), fields);
  }
  // A wasm trap (a Rust panic is compiled to abort) or a glue failure: a bug, not user input.
  const message = error instanceof Error ? error.message : String(error);
  return new KcpError('INTERNAL', `internal error in kcp-wasm: ${message}`, { cause: error });
}

/** Where the missing randomness most likely comes from, for the runtime actually running. */
function randomHint() {
  const c = globalThis.crypto;
  if (c === undefined || c === null || typeof c.getRandomValues !== 'function') {
    const node = globalThis.process?.versions?.node;
    return node !== undefined
      ? `: this Node.js (${node}) has no globalThis.crypto; kcp-wasm needs Node.js 20.19 or later`
      : ': this runtime has no globalThis.crypto.getRandomValues';
  }
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') {
    return ': Cloudflare Workers give no randomness at module scope; create the client and sign inside a request handler';
  }
  return ': crypto.getRandomValues failed';
}

/** serde-wasm-bindgen may hand back Maps and BigInts; callers get plain JSON-like values. */
export function toPlain(value) {
  // Object.fromEntries defines own properties: a reply's `__proto__` key stays data, never a prototype.
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .map((k) => [k, toPlain(value[k])]),
    );
  }
  return value;
}
