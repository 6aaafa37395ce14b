// Sends one prepared request through the host's fetch, exactly once. The only I/O in the package.
// A cancel or refund is never retried here: after a timeout KCP may already have applied it,
// and a second identical request could refund twice.
import { kcpError, notSentCode } from './errors.js';

function tnoOf(prepared) {
  return prepared.expect && typeof prepared.expect.tno === 'string' ? prepared.expect.tno : undefined;
}

/**
 * @param {typeof fetch} fetchFn
 * @param {{url: string, method: string, headers: Record<string,string>, body: string, operation: string, movesMoney: boolean, expect?: {tno?: string}}} prepared the core's prepared request: every fact is its own
 * @param {{signal?: AbortSignal, timeoutMs: number}} options
 * @returns {Promise<string>} the response body text of a 2xx answer
 */
export async function sendPrepared(fetchFn, prepared, { signal, timeoutMs }) {
  const operation = prepared.operation;
  if (signal !== undefined && signal !== null && signal.aborted) {
    throw kcpError('ABORTED', { message: `the ${operation} request was aborted before it was sent; nothing reached KCP`, cause: signal.reason });
  }

  const controller = new AbortController();
  let why = null;
  let rejectStop;
  // Settles when the deadline passes or the caller aborts, even if a fetch ignores its signal.
  const stop = new Promise((_, reject) => {
    rejectStop = reject;
  });
  stop.catch(() => {});
  const halt = (reason, cause) => {
    if (why !== null) return;
    why = reason;
    controller.abort(cause);
    rejectStop(cause);
  };
  const timer = setTimeout(() => halt('timeout', new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => halt('aborted', signal.reason);
  if (signal) signal.addEventListener('abort', onAbort, { once: true });

  let response;
  let text;
  try {
    response = await Promise.race([
      fetchFn(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: prepared.body,
        signal: controller.signal,
      }),
      stop,
    ]);
    // Reading the body is part of "hearing back": a stalled body is as unknown as no answer.
    text = await Promise.race([response.text(), stop]);
  } catch (cause) {
    // Only a failure that certainly came before anything was written (DNS, refused
    // connection), and not our own timeout or abort, is "not sent" for a money-moving request.
    if (why === null && response === undefined && notSentCode(cause) !== undefined) {
      throw kcpError('NETWORK_ERROR', { operation, reason: 'not-sent', cause });
    }
    const reason = why ?? 'network';
    const details = { operation, reason, cause, tno: tnoOf(prepared), orderId: typeof prepared.orderId === 'string' ? prepared.orderId : undefined };
    throw kcpError(prepared.movesMoney === false ? 'NETWORK_ERROR' : 'OUTCOME_UNKNOWN', details);
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', onAbort);
  }

  if (!response.ok) {
    throw kcpError('HTTP_ERROR', { status: response.status, statusText: response.statusText, operation, movesMoney: prepared.movesMoney, body: text });
  }
  return text;
}
