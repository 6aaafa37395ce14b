// One request, start to finish: read and log it, apply any injected fault (faults.js), route it
// (routes.js). Transport-free: transport.js turns the outcome into what a real client sees.
import { faultBefore, faultAfter, repliesAsText } from './faults.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/** Builds the handler over `routes` and `faults`: `{ handle, requests }`. */
export function createHandler({ routes, faults, onRequest }) {
  const requestLog = [];

  /**
   * Answers one request. Returns { kind: 'response', response } | { kind: 'drop' } |
   * { kind: 'hang', hangMs } | { kind: 'aborted' }; the transports (fetch, listen) turn those
   * into what a real client would see.
   */
  async function handle(request, signal) {
    const url = new URL(request.url);
    const path = url.pathname;
    const text = await request.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
    const record = {
      method: request.method,
      path,
      tno: typeof fields?.tno === 'string' ? fields.tno : undefined,
      modType: typeof fields?.mod_type === 'string' ? fields.mod_type : undefined,
      fault: undefined,
      status: undefined,
      resCd: undefined,
      outcome: undefined,
    };
    // Requests that name an order (approval excepted: KCP's carries none) say which.
    if (typeof fields?.ordr_idxx === 'string') record.orderNo = fields.ordr_idxx;
    requestLog.push(record);
    const finish = (outcome) => {
      record.outcome = outcome.kind;
      if (typeof onRequest === 'function') {
        try {
          onRequest({ ...record });
        } catch {
          // a logging hook must never break the emulator
        }
      }
      return outcome;
    };

    const fault = faults.take(path, fields);
    if (fault) record.fault = fault.type;
    const early = await faultBefore(fault, record, signal);
    if (early) return finish(early);

    const { status, reply } = routes.answer(request.method, path, fields, url.origin);
    record.status = status;
    record.resCd = reply.res_cd ?? reply.Code;
    // A transaction the request opened (approval, hub payment) is named by the reply.
    if (record.tno === undefined && typeof reply.tno === 'string') record.tno = reply.tno;

    const late = faultAfter(fault, record);
    if (late) return finish(late);
    return finish({
      kind: 'response',
      response: new Response(JSON.stringify(reply), {
        status,
        headers: { 'content-type': repliesAsText(fault) ? TEXT_TYPE : JSON_TYPE },
      }),
    });
  }

  return { handle, requests: () => requestLog.map((r) => ({ ...r })) };
}
