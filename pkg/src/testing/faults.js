// The emulator's fault injection: the queue of injected faults (delays, drops, HTTP 5xx,
// text/plain replies, applied-but-no-reply) and what each one does to a request's outcome.

const FAULT_TYPES = new Set(['delay', 'drop', 'http-error', 'text-plain', 'apply-then-timeout']);
const DEFAULT_HANG_MS = 120_000; // how long an unanswered request is held before the socket closes

/** Builds a fault queue seeded with `faults`: `{ inject, take, pending }`. */
export function createFaults(faults = []) {
  const queue = [];

  function inject(fault) {
    if (!fault || !FAULT_TYPES.has(fault.type)) {
      throw new TypeError(`inject: fault.type must be one of ${[...FAULT_TYPES].join(', ')}`);
    }
    if (fault.type === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
      throw new TypeError('inject: a delay fault needs ms >= 0');
    }
    if (fault.type === 'apply-then-timeout' && fault.ms !== undefined && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
      throw new TypeError('inject: an apply-then-timeout fault ms must be >= 0');
    }
    if (fault.type === 'http-error' && fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new TypeError('inject: http-error status must be 400..599');
    }
    const times = fault.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) throw new TypeError('inject: times must be a positive integer or Infinity');
    queue.push({ ...fault, times });
  }
  for (const f of faults) inject(f);

  /** The first fault matching this request, counted as used; or null. */
  function take(path, fields) {
    const i = queue.findIndex((f) => {
      const m = f.match ?? {};
      return (m.path === undefined || m.path === path)
        && (m.tno === undefined || m.tno === fields?.tno)
        && (m.modType === undefined || m.modType === fields?.mod_type)
        && (m.orderNo === undefined || m.orderNo === fields?.ordr_idxx);
    });
    if (i < 0) return null;
    const f = queue[i];
    if (f.times !== Infinity && --f.times === 0) queue.splice(i, 1);
    return f;
  }

  return { inject, take, pending: () => queue.map((f) => ({ ...f })) };
}

/**
 * What happens before the request is processed: resolves to an outcome that ends it here
 * ({ kind: 'aborted' | 'drop' | 'response' }), or null to go on. `record` gets the HTTP status.
 */
export async function faultBefore(fault, record, signal) {
  if (!fault) return null;
  if (fault.type === 'delay') {
    const completed = await sleep(fault.ms, signal);
    // The caller gave up before we processed it: like a request that never reached KCP.
    if (!completed) return { kind: 'aborted' };
  }
  if (appliesFirst(fault)) return null;
  if (fault.type === 'drop') return { kind: 'drop' };
  if (fault.type === 'http-error') return httpError(fault, record);
  return null;
}

/**
 * What happens after the request was processed (and the ledger perhaps changed): an outcome
 * that replaces the reply, or null to send it. `record` gets the HTTP status.
 */
export function faultAfter(fault, record) {
  if (fault?.type === 'apply-then-timeout' || fault?.type === 'drop') {
    record.status = undefined; // decided, applied, and never sent
    return fault.type === 'drop' ? { kind: 'drop' } : { kind: 'hang', hangMs: fault.ms ?? DEFAULT_HANG_MS };
  }
  if (fault?.type === 'http-error') return httpError(fault, record);
  return null;
}

/** Whether the reply to this fault is sent as text/plain although it is JSON. */
export const repliesAsText = (fault) => fault?.type === 'text-plain';

const appliesFirst = (fault) => fault?.type === 'apply-then-timeout' || fault?.apply === true;

function httpError(fault, record) {
  const status = fault.status ?? 503;
  record.status = status;
  return {
    kind: 'response',
    response: new Response(fault.body ?? `<html><body><h1>${status} Service Unavailable</h1></body></html>`, {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    }),
  };
}

/** Resolves true after ms, or false as soon as signal aborts. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
