// The KCP emulator's core: routes, checks, the ledger and fault injection.
//
// It knows nothing of certificates or RSA itself: the caller hands it `verifySignature` and
// `serializeCertificate` (index.js passes the package's own, so every runtime checks
// signatures with the same wasm code merchants sign with). It uses only web-standard
// Request/Response, so it runs in Node, workerd, Deno, Bun and browsers; `listen` loads
// `node:http` lazily, only when called.

/** The emulator's own refusal codes. KCP publishes no code table, so these are ours. */
export const REFUSALS = Object.freeze({
  E100: { ko: '요청 형식 오류', en: 'the request body is not a JSON object' },
  E101: { ko: '필수 항목 누락', en: 'a required field is missing' },
  E102: { ko: '항목 값 오류', en: 'a field has an invalid value' },
  E200: { ko: '등록되지 않은 사이트 코드', en: 'site_cd is not a registered merchant' },
  E201: { ko: '인증서 정보 불일치', en: "kcp_cert_info is not the merchant's certificate" },
  E202: { ko: '서명 검증 실패', en: 'kcp_sign_data does not verify over the expected plaintext' },
  E300: { ko: '거래 정보 없음', en: 'no such transaction for this merchant' },
  E301: { ko: '이미 취소된 거래', en: 'the transaction is already fully cancelled' },
  E302: { ko: '취소 가능 잔액 불일치', en: 'rem_mny does not equal the cancellable balance' },
  E303: { ko: '취소 가능 잔액 초과', en: 'mod_mny exceeds the cancellable balance' },
  E304: { ko: '지원하지 않는 변경 유형', en: 'mod_type is not supported by the emulator' },
  E305: { ko: '결제 수단 불일치', en: 'pay_type does not match the transaction' },
});

// The public names of KCP's paths; the emulator itself routes by the core's (`facts`), and a
// test checks that these equal them.
export const CANCEL_PATH = '/gw/mod/v1/cancel';
export const INQUIRY_PATH = '/std/inquery';

const SUCCESS = { res_cd: '0000', res_msg: '정상처리', res_en_msg: 'processing completed' };
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const FAULT_TYPES = new Set(['delay', 'drop', 'http-error', 'text-plain', 'apply-then-timeout']);
const NODE_HTTP = ['node', 'http'].join(':');
const MAX_BODY_BYTES = 1 << 20; // KCP requests are a few kilobytes
const DEFAULT_HANG_MS = 120_000; // how long an unanswered request is held before the socket closes
const encoder = new TextEncoder();

class Refusal {
  constructor(code, detail) {
    this.code = code;
    this.detail = detail;
  }
}
const refuse = (code, detail) => {
  throw new Refusal(code, detail);
};

/**
 * Builds an emulator. `verifier` is `{ verifySignature(certPem, plaintext, signature): boolean,
 * serializeCertificate(pem): string }`; `facts` is the core's `kcpFacts()` (paths, limits, the
 * `tno` rule): the emulator restates none of them. Everything else is documented in index.d.ts.
 */
export function createEmulator(options = {}) {
  const { merchants = [], transactions = [], faults = [], verifier, facts, clock = () => new Date(), onRequest } = options;
  if (!verifier || typeof verifier.verifySignature !== 'function' || typeof verifier.serializeCertificate !== 'function') {
    throw new TypeError('createKcpEmulator: a verifier with verifySignature and serializeCertificate is required');
  }
  if (!facts || typeof facts.modifyPath !== 'string' || typeof facts.maxAmount !== 'number') {
    throw new TypeError("createKcpEmulator: the core's facts (kcpFacts() of kcp-wasm) are required");
  }
  const tnoPattern = new RegExp(`^[0-9]{1,${facts.tnoMaxDigits}}$`);
  const amountOf = (v) => parseAmount(v, facts.maxAmount);
  if (!Array.isArray(merchants) || merchants.length === 0) {
    throw new TypeError('createKcpEmulator: `merchants` must list at least one { siteCd, certificate }');
  }

  /** siteCd → { siteCd, certificate, certInfo } */
  const merchantsBySite = new Map();
  for (const m of merchants) {
    if (!m || typeof m.siteCd !== 'string' || m.siteCd === '' || typeof m.certificate !== 'string') {
      throw new TypeError('createKcpEmulator: each merchant needs a siteCd string and a certificate PEM string');
    }
    if (merchantsBySite.has(m.siteCd)) throw new TypeError(`createKcpEmulator: merchant ${m.siteCd} is listed twice`);
    merchantsBySite.set(m.siteCd, {
      siteCd: m.siteCd,
      certificate: m.certificate,
      certInfo: verifier.serializeCertificate(m.certificate),
    });
  }
  const defaultSite = merchantsBySite.keys().next().value;

  /** tno → mutable ledger entry */
  const ledgers = new Map();
  const faultQueue = [];
  const requestLog = [];
  const pendingHangs = new Set();
  let server = null;
  const sockets = new Set();
  let closed = false;

  function addTransaction(tx) {
    if (!tx || typeof tx !== 'object') throw new TypeError('a transaction is { tno, amount, payType?, siteCd? }');
    const tno = String(tx.tno ?? '');
    if (!tnoPattern.test(tno)) throw new TypeError(`transaction tno must be a string of digits, got ${JSON.stringify(tx.tno)}`);
    if (ledgers.has(tno)) throw new TypeError(`transaction ${tno} is seeded twice`);
    const amount = amountOf(tx.amount);
    if (amount === null || amount === 0) throw new TypeError(`transaction ${tno}: amount must be a positive integer of at most 12 digits`);
    const siteCd = tx.siteCd ?? defaultSite;
    if (!merchantsBySite.has(siteCd)) throw new TypeError(`transaction ${tno}: merchant ${siteCd} is not registered`);
    const payType = tx.payType ?? 'PACA';
    if (typeof payType !== 'string' || !/^[A-Z0-9]{4}$/.test(payType)) throw new TypeError(`transaction ${tno}: payType must be 4 letters such as PACA`);
    ledgers.set(tno, {
      tno,
      siteCd,
      payType,
      amount,
      remaining: amount,
      state: 'approved',
      partialSequence: 0,
      history: [],
    });
  }
  for (const tx of transactions) addTransaction(tx);

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
    faultQueue.push({ ...fault, times });
  }
  for (const f of faults) inject(f);

  function takeFault(path, fields) {
    const i = faultQueue.findIndex((f) => {
      const m = f.match ?? {};
      return (m.path === undefined || m.path === path)
        && (m.tno === undefined || m.tno === fields?.tno)
        && (m.modType === undefined || m.modType === fields?.mod_type);
    });
    if (i < 0) return null;
    const f = faultQueue[i];
    if (f.times !== Infinity && --f.times === 0) faultQueue.splice(i, 1);
    return f;
  }

  // ---- checks shared by both routes --------------------------------------------------

  function requireString(body, name) {
    if (!(name in body) || body[name] === null || body[name] === '') refuse('E101', name);
    if (typeof body[name] !== 'string') refuse('E102', name);
    return body[name];
  }

  function requireAmount(body, name) {
    if (!(name in body) || body[name] === null || body[name] === '') refuse('E101', name);
    const v = amountOf(body[name]);
    if (v === null) refuse('E102', name);
    return v;
  }

  function authenticate(body, plaintextField) {
    const merchant = merchantsBySite.get(body.site_cd);
    if (!merchant) refuse('E200', 'site_cd');
    if (body.kcp_cert_info !== merchant.certInfo) refuse('E201', 'kcp_cert_info');
    const plaintext = `${body.site_cd}^${body.tno}^${body[plaintextField]}`;
    let ok = false;
    try {
      ok = verifier.verifySignature(merchant.certificate, plaintext, body.kcp_sign_data) === true;
    } catch {
      ok = false; // a signature that is not even base64 simply does not verify
    }
    if (!ok) refuse('E202', 'kcp_sign_data');
    return merchant;
  }

  function findTransaction(merchant, tno) {
    const entry = ledgers.get(tno);
    // Another merchant's transaction is as unknown to this merchant as a made-up number.
    if (!entry || entry.siteCd !== merchant.siteCd) refuse('E300', 'tno');
    return entry;
  }

  // ---- the two endpoints ---------------------------------------------------------------

  function cancel(body) {
    for (const f of ['site_cd', 'tno', 'kcp_cert_info', 'kcp_sign_data', 'mod_type']) requireString(body, f);
    if (!tnoPattern.test(body.tno)) refuse('E102', 'tno');
    if (body.mod_desc !== undefined && (typeof body.mod_desc !== 'string' || encoder.encode(body.mod_desc).length > facts.maxReasonBytes)) {
      refuse('E102', 'mod_desc');
    }
    const partial = body.mod_type === 'STPC';
    let modMny, remMny, tax;
    if (partial) {
      modMny = requireAmount(body, 'mod_mny');
      remMny = requireAmount(body, 'rem_mny');
      if (modMny === 0) refuse('E102', 'mod_mny');
      if (body.tax_flag !== undefined) {
        if (body.tax_flag !== 'TG03') refuse('E102', 'tax_flag');
        tax = {
          taxable: requireAmount(body, 'mod_tax_mny'),
          vat: requireAmount(body, 'mod_vat_mny'),
          taxFree: requireAmount(body, 'mod_free_mny'),
        };
        if (tax.taxable + tax.vat + tax.taxFree !== modMny) refuse('E102', 'mod_tax_mny');
      }
    }

    authenticate(body, 'mod_type');
    if (body.mod_type !== 'STSC' && body.mod_type !== 'STPC') refuse('E304', 'mod_type');
    const entry = findTransaction(merchantsBySite.get(body.site_cd), body.tno);
    if (entry.state === 'cancelled') refuse('E301', 'tno');

    const cancTime = kcpTime(clock());
    const before = entry.remaining;
    if (!partial) {
      // Every check passed: only now is the ledger touched.
      entry.remaining = 0;
      entry.state = 'cancelled';
      entry.history.push({ modType: 'STSC', amount: before, remainingBefore: before, remainingAfter: 0, cancTime });
      return {
        ...SUCCESS,
        tno: entry.tno,
        mod_type: 'STSC',
        pay_type: entry.payType,
        amount: String(entry.amount),
        canc_time: cancTime,
        mod_mny: String(before),
        rem_mny: '0',
        canc_mod_mny: String(before),
        coupon_mod_mny: '0',
      };
    }
    if (remMny !== before) refuse('E302', `rem_mny ${remMny} ≠ balance ${before}`);
    if (modMny > before) refuse('E303', `mod_mny ${modMny} > balance ${before}`);
    entry.remaining = before - modMny;
    entry.partialSequence += 1;
    entry.state = entry.remaining === 0 ? 'cancelled' : 'partially-cancelled';
    entry.history.push({
      modType: 'STPC',
      amount: modMny,
      remainingBefore: before,
      remainingAfter: entry.remaining,
      sequence: entry.partialSequence,
      cancTime,
      ...(tax ? { tax } : {}),
    });
    return {
      ...SUCCESS,
      tno: entry.tno,
      mod_type: 'STPC',
      pay_type: entry.payType,
      amount: String(entry.amount),
      canc_time: cancTime,
      mod_mny: String(modMny),
      rem_mny: String(entry.remaining),
      mod_pacn_seq_no: String(entry.partialSequence),
      canc_mod_mny: String(modMny),
      coupon_mod_mny: '0',
    };
  }

  function inquire(body) {
    for (const f of ['site_cd', 'tno', 'kcp_cert_info', 'kcp_sign_data', 'pay_type']) requireString(body, f);
    const merchant = authenticate(body, 'pay_type');
    const entry = findTransaction(merchant, body.tno);
    if (entry.payType !== body.pay_type) refuse('E305', 'pay_type');
    const last = entry.history.at(-1);
    return {
      ...SUCCESS,
      tno: entry.tno,
      pay_type: entry.payType,
      amount: String(entry.amount),
      rem_mny: String(entry.remaining),
      canc_mny: String(entry.amount - entry.remaining),
      canc_yn: entry.state === 'cancelled' ? 'Y' : 'N',
      tran_state: entry.state,
      mod_pacn_seq_no: String(entry.partialSequence),
      ...(last ? { canc_time: last.cancTime } : {}),
    };
  }

  // ---- one request, start to finish ----------------------------------------------------

  /**
   * Answers one request. Returns { kind: 'response', response } | { kind: 'drop' } |
   * { kind: 'hang' } | { kind: 'aborted' }; the transports (fetch, listen) turn those into
   * what a real client would see.
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

    const fault = takeFault(path, fields);
    if (fault) record.fault = fault.type;
    const applyFirst = fault?.type === 'apply-then-timeout' || fault?.apply === true;

    if (fault?.type === 'delay') {
      const completed = await sleep(fault.ms, signal);
      // The caller gave up before we processed it: like a request that never reached KCP.
      if (!completed) return finish({ kind: 'aborted' });
    }
    if (fault?.type === 'drop' && !applyFirst) return finish({ kind: 'drop' });
    if (fault?.type === 'http-error' && !applyFirst) return finish(httpError(fault, record));

    let status = 200;
    let reply;
    if (path !== facts.modifyPath && path !== facts.inquiryPath) {
      status = 404;
      reply = { res_cd: '404', res_msg: 'not found', res_en_msg: `no such endpoint: ${path}` };
    } else if (request.method !== 'POST') {
      status = 405;
      reply = { res_cd: '405', res_msg: 'method not allowed', res_en_msg: 'use POST' };
    } else {
      try {
        if (!fields) refuse('E100');
        reply = path === facts.modifyPath ? cancel(fields) : inquire(fields);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        const r = REFUSALS[e.code];
        reply = {
          res_cd: e.code,
          // The field name helps in either language; balances are spelled out in English only.
          res_msg: e.detail && (e.code === 'E101' || e.code === 'E102') ? `${r.ko} (${e.detail})` : r.ko,
          res_en_msg: e.detail ? `${r.en} (${e.detail})` : r.en,
          ...(typeof fields?.tno === 'string' ? { tno: fields.tno } : {}),
        };
      }
    }
    record.status = status;
    record.resCd = reply.res_cd;

    if (fault?.type === 'apply-then-timeout' || fault?.type === 'drop') {
      record.status = undefined; // decided, applied, and never sent
      return finish(fault.type === 'drop' ? { kind: 'drop' } : { kind: 'hang', hangMs: fault.ms ?? DEFAULT_HANG_MS });
    }
    if (fault?.type === 'http-error') return finish(httpError(fault, record));
    const contentType = fault?.type === 'text-plain' ? TEXT_TYPE : JSON_TYPE;
    return finish({
      kind: 'response',
      response: new Response(JSON.stringify(reply), { status, headers: { 'content-type': contentType } }),
    });
  }

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

  // ---- transport 1: an in-process fetch ------------------------------------------------

  async function emulatorFetch(input, init) {
    if (closed) throw new TypeError('fetch failed', { cause: new Error('kcp-emulator: the emulator is closed') });
    const request = toRequest(input, init);
    const signal = init?.signal ?? request.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    const outcome = await handle(request, signal);
    switch (outcome.kind) {
      case 'response':
        if (signal?.aborted) throw abortReason(signal);
        return outcome.response;
      case 'drop':
        throw new TypeError('fetch failed', { cause: new Error('kcp-emulator: connection dropped (injected fault)') });
      case 'aborted':
        throw abortReason(signal);
      case 'hang':
        if (signal?.aborted) throw abortReason(signal);
        return new Promise((_, reject) => {
          // Like an open socket, a pending reply keeps the event loop alive; like a server's
          // idle timeout, it ends by itself (as a network failure) after outcome.hangMs.
          const settle = (err) => {
            clearTimeout(timer);
            pendingHangs.delete(pending);
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          };
          const onAbort = () => settle(abortReason(signal));
          const pending = { reject: settle };
          const timer = setTimeout(
            () => settle(new TypeError('fetch failed', { cause: new Error('kcp-emulator: the connection was closed without a reply') })),
            outcome.hangMs,
          );
          pendingHangs.add(pending);
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      default:
        throw new Error(`kcp-emulator: unexpected outcome ${outcome.kind}`);
    }
  }

  // ---- transport 2: real HTTP on loopback (Node) ---------------------------------------

  async function listen({ port = 0, host = '127.0.0.1' } = {}) {
    if (server) throw new Error('kcp-emulator: already listening');
    if (closed) throw new Error('kcp-emulator: the emulator is closed');
    // A computed specifier, so that bundlers for Workers and browsers (esbuild, wrangler, webpack,
    // Vite) leave it alone: listen() is the only part of the emulator that needs Node.
    let http;
    try {
      http = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_HTTP);
    } catch (cause) {
      throw new Error('kcp-emulator: listen() needs node:http (Node, Deno or Bun); elsewhere pass emulator.fetch to the client', { cause });
    }
    server = http.createServer((req, res) => {
      serveNode(req, res).catch((err) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': TEXT_TYPE });
          res.end(`kcp-emulator internal error: ${err?.message ?? err}`);
        } else {
          res.destroy();
        }
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
  }

  async function serveNode(req, res) {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': TEXT_TYPE, connection: 'close' });
        res.end('kcp-emulator: request body too large');
        return;
      }
      chunks.push(chunk);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), {
      method,
      headers: req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {},
      body: hasBody ? concatBytes(chunks) : undefined,
    });
    const outcome = await handle(request, controller.signal);
    if (outcome.kind === 'drop') {
      req.socket.destroy();
    } else if (outcome.kind === 'response') {
      const { response } = outcome;
      const payload = new Uint8Array(await response.arrayBuffer());
      res.writeHead(response.status, {
        'content-type': response.headers.get('content-type') ?? TEXT_TYPE,
        'content-length': payload.length,
      });
      res.end(payload);
    } else if (outcome.kind === 'hang') {
      // Say nothing: the caller's timeout closes the socket, or close() destroys it, or, like a
      // server's idle timeout, we close it after hangMs.
      const timer = setTimeout(() => req.socket.destroy(), outcome.hangMs);
      timer.unref?.(); // the listening server, not this timer, keeps the process alive
      res.on('close', () => clearTimeout(timer));
    }
    // 'aborted': the caller is already gone.
  }

  async function close() {
    closed = true;
    for (const pending of [...pendingHangs]) {
      pending.reject(new TypeError('fetch failed', { cause: new Error('kcp-emulator: closed') }));
    }
    if (server) {
      const s = server;
      server = null;
      const done = new Promise((resolve) => s.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await done;
    }
  }

  function ledger(tno) {
    const entry = ledgers.get(String(tno));
    return entry ? structuredClone(entry) : undefined;
  }

  return {
    fetch: emulatorFetch,
    ledger,
    ledgers: () => [...ledgers.values()].map((e) => structuredClone(e)),
    addTransaction,
    inject,
    pendingFaults: () => faultQueue.map((f) => ({ ...f })),
    requests: () => requestLog.map((r) => ({ ...r })),
    listen,
    close,
    // `await using emulator = createKcpEmulator(…)`, where the runtime has it.
    ...(typeof Symbol.asyncDispose === 'symbol' ? { [Symbol.asyncDispose]: close } : {}),
  };
}

// ---- helpers ---------------------------------------------------------------------------

/**
 * A non-negative integer of at most `maxAmount` (the core's MAX_AMOUNT), from a JSON string of
 * digits or a number; else null.
 */
export function parseAmount(v, maxAmount) {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 && v <= maxAmount ? v : null;
  if (typeof v === 'string' && /^[0-9]+$/.test(v) && v.length <= String(maxAmount).length) {
    const n = Number(v);
    return n <= maxAmount ? n : null;
  }
  return null;
}

/** yyyyMMddHHmmss in Korea Standard Time (UTC+9, no daylight saving), as KCP stamps canc_time. */
export function kcpTime(date) {
  const d = new Date(date.getTime() + 9 * 3600_000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function toRequest(input, init) {
  // The signal is watched by the emulator itself (some runtimes' Request refuses foreign signals).
  const { signal: _signal, ...rest } = init ?? {};
  if (typeof Request !== 'undefined' && input instanceof Request) {
    return init === undefined ? input : new Request(input, rest);
  }
  let url = input instanceof URL ? input.href : String(input);
  // A bare path is fine here: the emulator ignores the host.
  if (url.startsWith('/')) url = `http://kcp-emulator.invalid${url}`;
  return new Request(url, rest);
}

function abortReason(signal) {
  if (signal?.reason !== undefined) return signal.reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
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

function concatBytes(chunks) {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
