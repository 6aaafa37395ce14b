// The error hierarchy of kcp-wasm. Callers branch on `code` (stable), never on messages.
// Facade errors arrive as plain `Error`s with a `code`; `toKcpError` gives them their class.

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
  constructor({ resCd, resMsg, resEnMsg, raw, message }) {
    super('KCP_REJECTED', message ?? `KCP refused the request: ${resCd} ${resMsg ?? ''}`.trim());
    this.name = 'KcpRejectedError';
    this.resCd = resCd;
    this.resMsg = resMsg ?? '';
    if (resEnMsg !== undefined && resEnMsg !== null) this.resEnMsg = resEnMsg;
    this.raw = raw ?? {};
  }
}

/** KCP's server (or something in front of it) answered with a non-2xx HTTP status. */
export class KcpHttpError extends KcpError {
  constructor({ status, statusText, operation, body }) {
    const mayHaveApplied = operation === 'cancel' || operation === 'refund' || operation === 'modify';
    super(
      'HTTP_ERROR',
      `KCP answered HTTP ${status}${statusText ? ` ${statusText}` : ''} to the ${operation} request` +
        (mayHaveApplied
          ? '; the change may or may not have been applied: inquire (client.inquire) before trying again'
          : ''),
    );
    this.name = 'KcpHttpError';
    this.status = status;
    this.operation = operation;
    /** The start of the response body, for logs (KCP responses hold no secrets). */
    this.body = typeof body === 'string' ? body.slice(0, 1000) : '';
  }
}

/** No answer was received (network failure, timeout, abort) for a request that changes nothing. Safe to retry. */
export class KcpNetworkError extends KcpError {
  constructor({ operation, reason, cause, code = 'NETWORK_ERROR', message }) {
    super(code, message ?? `no answer from KCP to the ${operation} request (${reason}); it changes nothing and may be retried`, { cause });
    this.name = 'KcpNetworkError';
    this.operation = operation;
    /** 'timeout' | 'aborted' | 'network' */
    this.reason = reason;
  }
}

/**
 * A cancel or refund was sent, and no answer came back (timeout, network failure, abort):
 * KCP may or may not have applied it. Never resend blindly: inquire first, then decide.
 */
export class KcpOutcomeUnknownError extends KcpNetworkError {
  constructor({ operation, reason, cause, tno }) {
    super({
      operation,
      reason,
      cause,
      code: 'OUTCOME_UNKNOWN',
      message:
        `the outcome of the ${operation} request${tno ? ` for tno ${tno}` : ''} is unknown (${reason}): ` +
        'KCP may already have applied it. Do not send it again blindly: inquire (client.inquire) ' +
        'to see the transaction state, then decide.',
    });
    this.name = 'KcpOutcomeUnknownError';
    if (tno) this.tno = tno;
  }
}

/** Converts anything the wasm facade throws into the matching KcpError subclass. */
export function toKcpError(error) {
  if (error instanceof KcpError) return error;
  const code = error !== null && typeof error === 'object' ? error.code : undefined;
  if (typeof code === 'string' && code.length > 0) {
    if (code === 'KCP_REJECTED') {
      return new KcpRejectedError({
        resCd: String(error.resCd ?? ''),
        resMsg: error.resMsg,
        resEnMsg: error.resEnMsg,
        raw: toPlain(error.raw),
        message: error.message,
      });
    }
    const field = typeof error.field === 'string' ? error.field : undefined;
    return new KcpError(code, String(error.message ?? code), { field });
  }
  // A wasm trap (a Rust panic is compiled to abort) or a glue failure: a bug, not user input.
  const message = error instanceof Error ? error.message : String(error);
  return new KcpError('INTERNAL', `internal error in kcp-wasm: ${message}`, { cause: error });
}

/** serde-wasm-bindgen may hand back Maps and BigInts; callers get plain JSON-like values. */
export function toPlain(value) {
  if (value instanceof Map) {
    const out = {};
    for (const [k, v] of value) out[String(k)] = toPlain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const k of Object.keys(value)) {
      if (value[k] !== undefined) out[k] = toPlain(value[k]);
    }
    return out;
  }
  return value;
}
