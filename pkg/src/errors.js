// The error hierarchy of kcp-wasm. Callers branch on `code` (stable), never on messages.
// `kcpError` is the one place an error is shaped; facade errors reach it through `toKcpError`.

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
  'NOTIFICATION_MALFORMED',
  // from the JavaScript layer
  'HTTP_ERROR',
  'NETWORK_ERROR',
  'OUTCOME_UNKNOWN',
  'ABORTED',
  'NOT_INITIALIZED',
  'FREED',
  'INTERNAL',
  'APPROVAL_CANCELLED',
  'APPROVAL_CANCEL_FAILED',
]);

const BRAND = Symbol.for('kcp-wasm.KcpError');

/**
 * Base class of every error this package throws. The classes only declare; `kcpError` below is
 * the one place an error is shaped (its class, message and fields), whatever it comes from.
 */
export class KcpError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ field?: string, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
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
export class KcpRejectedError extends KcpError {}

/** KCP's server (or something in front of it) answered with a non-2xx HTTP status. */
export class KcpHttpError extends KcpError {}

/**
 * NETWORK_ERROR: safe to send again. Either the request changes nothing (an inquiry that got no
 * answer), or it certainly never left this machine (`reason` 'not-sent': the host name did not
 * resolve, or the connection was refused), whatever the operation.
 */
export class KcpNetworkError extends KcpError {}

/**
 * OUTCOME_UNKNOWN: a cancel, refund or modification was (or may have been) sent, and no answer
 * came back (timeout, network failure, abort): KCP may or may not have applied it. Never resend
 * blindly: inquire first, then decide. Deliberately NOT a KcpNetworkError (which is safe to
 * retry): `if (e instanceof KcpNetworkError) retry()` must never re-send a refund.
 */
export class KcpOutcomeUnknownError extends KcpError {}

/**
 * For the codes with a class of their own: the class, and the message and fields made from the
 * details (`message` given in the details wins over the one made here).
 */
const SHAPES = {
  KCP_REJECTED: {
    Class: KcpRejectedError,
    shape: ({ resCd, resMsg, resEnMsg, hint, raw }) => ({
      message: `KCP refused the request: ${resCd} ${resMsg ?? ''}`.trim(),
      fields: {
        resCd,
        resMsg: resMsg ?? '',
        resEnMsg: resEnMsg ?? undefined,
        /** For a known `res_cd` (the core's table, `RESULT_CODES`): what it means and what to do. */
        hint: typeof hint === 'string' ? hint : undefined,
        raw: raw ?? {},
      },
    }),
  },
  HTTP_ERROR: {
    Class: KcpHttpError,
    shape: ({ status, statusText, operation, movesMoney, body }) => ({
      // Whether the request moves money is the core's fact (the prepared request's movesMoney);
      // when it is not known, assume it does: the warning is then only superfluous.
      message:
        `KCP answered HTTP ${status}${statusText ? ` ${statusText}` : ''} to the ${operation} request` +
        (movesMoney !== false
          ? '; the change may or may not have been applied: inquire about the transaction before trying again'
          : ''),
      fields: {
        status,
        operation,
        movesMoney: typeof movesMoney === 'boolean' ? movesMoney : undefined,
        /** The start of the response body, for logs (KCP responses hold no secrets). */
        body: typeof body === 'string' ? body.slice(0, 1000) : '',
      },
    }),
  },
  NETWORK_ERROR: {
    Class: KcpNetworkError,
    shape: ({ operation, reason, cause }) => ({
      message:
        reason === 'not-sent'
          ? `the ${operation} request never reached KCP (${notSentWhy(cause)}): nothing was sent, it may be sent again once the network is fixed`
          : `no answer from KCP to the ${operation} request (${reason}); it changes nothing and may be retried`,
      /** reason: 'timeout' | 'aborted' | 'network' | 'not-sent' */
      fields: { operation, reason },
    }),
  },
  OUTCOME_UNKNOWN: {
    Class: KcpOutcomeUnknownError,
    shape: ({ operation, reason, tno, orderId }) => ({
      message: tno
        ? `the outcome of the ${operation} request for tno ${tno} is unknown (${reason}): ` +
          'KCP may already have applied it. Do not send it again blindly: inquire about the transaction ' +
          '(client.inquire) to see its state, then decide.'
        : // A payment (approval, billing-key charge, key-in, virtual account) has no tno before its reply.
          `the outcome of the ${operation} request${orderId ? ` for order ${orderId}` : ''} is unknown (${reason}): ` +
          'KCP may already have applied it (charged the buyer, or issued the account). Do not send it again: ' +
          "find the transaction's tno in KCP's merchant admin by its order number and inquire about it " +
          '(client.inquire) before charging again.',
      /** reason: 'timeout' | 'aborted' | 'network' */
      fields: { operation, reason, tno: tno || undefined, orderId: orderId || undefined },
    }),
  },
  APPROVAL_CANCELLED: {
    Class: KcpError,
    shape: ({ approval, cancel }) => ({
      message:
        `KCP approved the payment (tno ${approval?.tno}) but recording it failed (see .cause), ` +
        'so it was cancelled in full (STSC): the buyer is not charged.',
      /** `cause`: what `record` threw. */
      fields: { approval, cancel },
    }),
  },
  APPROVAL_CANCEL_FAILED: {
    Class: KcpError,
    shape: ({ approval, cancelError }) => ({
      message:
        `KCP approved the payment (tno ${approval?.tno ?? 'unknown'}) but recording it failed (see .cause), and the ` +
        `automatic full cancel ${
          cancelError?.code === 'KCP_REJECTED'
            ? `was refused (${[cancelError.resCd, cancelError.resMsg].filter(Boolean).join(' ')})`
            : approval?.tno
              ? `has no known outcome (${cancelError?.code ?? 'unknown'})`
              : "could not be sent: KCP's approval reply carried no tno (find the payment in KCP's merchant admin by its order number)"
        }: the buyer may still be charged. Inquire about the transaction (client.inquire) before anything ` +
        'else, then cancel it or record it.',
      /** `cause`: what `record` threw. */
      fields: { approval, cancelError },
    }),
  },
};

/**
 * The one place an error of this package is shaped: the class for `code`, the message, `field`,
 * `cause` and the code's own fields (KCP's reply and `raw`, `hint`, `status`, `operation`, …).
 * Every path goes through it: core errors from the facade (`toKcpError`), the transport's
 * (network, HTTP, outcome unknown), and the JS layer's own (NOT_INITIALIZED, FREED, …).
 * `details.message` is used as it is; without it, the codes with a class of their own make theirs.
 * For the other codes, every defined detail besides `message` and `cause` becomes a field.
 */
export function kcpError(code, details = {}) {
  const { message, cause, ...rest } = details;
  const known = SHAPES[code];
  const made = known ? known.shape(details) : { message: code, fields: rest };
  const error = new (known ? known.Class : KcpError)(code, message ?? made.message, { cause });
  for (const [name, value] of Object.entries(made.fields)) {
    if (value !== undefined) error[name] = value;
  }
  return error;
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
 * What the wasm facade throws, as a KcpError. The facade carries a core error's data (`code`, the
 * message, `field`, and for KCP_REJECTED KCP's reply and the hint: src/wasm/mod.rs `to_js`);
 * `kcpError` shapes it like every other error.
 */
export function toKcpError(error) {
  if (error instanceof KcpError) return error;
  const code = error !== null && typeof error === 'object' ? error.code : undefined;
  if (typeof code === 'string' && code.length > 0) {
    const { code: _code, name: _name, ...fields } = error;
    let message = String(error.message ?? code);
    if (code === 'RANDOM_UNAVAILABLE') message += randomHint();
    return kcpError(code, { ...fields, message });
  }
  // A wasm trap (a Rust panic is compiled to abort) or a glue failure: a bug, not user input.
  const message = error instanceof Error ? error.message : String(error);
  return kcpError('INTERNAL', { message: `internal error in kcp-wasm: ${message}`, cause: error });
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

/** The facade may hand back Maps and BigInts (serde-wasm-bindgen, for kcpFacts()); callers get plain JSON-like values. */
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
