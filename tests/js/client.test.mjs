// KcpClient through the built package: each request shape, each error class and code, and the
// transport rules (one send, never retried; a timeout on a cancel is an unknown outcome).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  KcpClient,
  KcpError,
  KcpRejectedError,
  KcpHttpError,
  KcpNetworkError,
  KcpOutcomeUnknownError,
  ERROR_CODES,
} from 'kcp-wasm';
import { KCP, manifest, fixture, opensslSign } from './helpers.mjs';

const TNO = '21234567890123';
const STAGING = 'https://stg-spl.kcp.co.kr';

function client(extra = {}) {
  return new KcpClient({
    ...KCP.options,
    environment: 'staging',
    ...extra,
  });
}

/** A fetch double that records its calls and answers with `reply(url, init)`. */
function fakeFetch(reply) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    return reply(url, init);
  };
  fn.calls = calls;
  return fn;
}

function answer(body, { status = 200, contentType = 'text/plain; charset=utf-8' } = {}) {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': contentType },
  });
}

const kcpCertInfo = () => manifest().certs['kcp/splCert.pem'].kcp_cert_info;

describe('request shapes', () => {
  const c = client();

  test('prepareCancel: full cancel STSC', () => {
    const p = c.prepareCancel({ tno: TNO, reason: '고객 요청' });
    assert.equal(p.url, `${STAGING}/gw/mod/v1/cancel`);
    assert.equal(p.method, 'POST');
    assert.deepEqual(p.headers, { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(p.operation, 'cancel');
    assert.equal(p.plaintext, `T0000^${TNO}^STSC`);
    const body = JSON.parse(p.body);
    assert.equal(body.site_cd, 'T0000');
    assert.equal(body.tno, TNO);
    assert.equal(body.mod_type, 'STSC');
    assert.equal(body.mod_desc, '고객 요청');
    assert.equal(body.kcp_cert_info, kcpCertInfo());
    assert.equal(body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, `T0000^${TNO}^STSC`));
    assert.equal(p.expect.tno, TNO);
  });

  test('prepareRefund: partial cancel STPC with amounts as JSON strings', () => {
    const p = c.prepareRefund({ tno: TNO, amount: 5000, remaining: '12000', reason: 'partial' });
    assert.equal(p.url, `${STAGING}/gw/mod/v1/cancel`);
    assert.equal(p.operation, 'refund');
    const body = JSON.parse(p.body);
    assert.equal(body.mod_type, 'STPC');
    assert.equal(body.mod_mny, '5000');
    assert.equal(body.rem_mny, '12000');
    assert.equal(body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, `T0000^${TNO}^STPC`));
    assert.equal(p.expect.remainingAfter, 7000);
  });

  test('prepareRefund with a tax split adds TG03 fields', () => {
    const p = c.prepareRefund({ tno: TNO, amount: 1100, remaining: 1100, tax: { taxable: 1000, vat: 100, taxFree: 0 } });
    const body = JSON.parse(p.body);
    assert.equal(body.tax_flag, 'TG03');
    assert.equal(body.mod_tax_mny, '1000');
    assert.equal(body.mod_vat_mny, '100');
    assert.equal(body.mod_free_mny, '0');
  });

  test('prepareInquiry: /std/inquery signed over site_cd^tno^pay_type', () => {
    const p = c.prepareInquiry({ tno: TNO, payType: 'PACA' });
    assert.equal(p.url, `${STAGING}/std/inquery`);
    assert.equal(p.operation, 'inquiry');
    const body = JSON.parse(p.body);
    assert.equal(body.pay_type, 'PACA');
    assert.equal(body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, `T0000^${TNO}^PACA`));
  });

  test('prepareModify: another mod_type (STMR capture)', () => {
    const p = c.prepareModify({ tno: TNO, modType: 'STMR' });
    assert.equal(p.operation, 'modify');
    const body = JSON.parse(p.body);
    assert.equal(body.mod_type, 'STMR');
    assert.equal(body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, `T0000^${TNO}^STMR`));
  });

  test('production and baseUrl', () => {
    const prod = client({ environment: 'production' });
    assert.equal(prod.baseUrl, 'https://spl.kcp.co.kr');
    assert.equal(prod.kcpCertInfo, kcpCertInfo());
    assert.equal(prod.prepareCancel({ tno: TNO }).url, 'https://spl.kcp.co.kr/gw/mod/v1/cancel');
    const local = client({ baseUrl: 'http://127.0.0.1:8080/kcp' });
    assert.equal(local.prepareInquiry({ tno: TNO, payType: 'PACA' }).url, 'http://127.0.0.1:8080/kcp/std/inquery');
    assert.equal(c.siteCd, 'T0000');
  });
});

describe('validation errors', () => {
  const c = client();
  test('a ^ in tno is FIELD_INVALID naming the wire field', () => {
    assert.throws(() => c.prepareCancel({ tno: `${TNO}^STSC` }), (e) => e instanceof KcpError && e.code === 'FIELD_INVALID' && e.field === 'tno');
  });
  test('amount above remaining is FIELD_INVALID', () => {
    assert.throws(() => c.prepareRefund({ tno: TNO, amount: 5001, remaining: 5000 }), { code: 'FIELD_INVALID' });
  });
  test('a negative or fractional amount is FIELD_INVALID', () => {
    assert.throws(() => c.prepareRefund({ tno: TNO, amount: -1, remaining: 5000 }), { code: 'FIELD_INVALID' });
    assert.throws(() => c.prepareRefund({ tno: TNO, amount: 1.5, remaining: 5000 }), { code: 'FIELD_INVALID' });
  });
  test('missing input is FIELD_INVALID', () => {
    assert.throws(() => c.prepareCancel(undefined), { code: 'FIELD_INVALID' });
  });
  test('a bad environment is CONFIG_INVALID', () => {
    assert.throws(() => client({ environment: 'prod' }), { code: 'CONFIG_INVALID' });
    assert.throws(() => client({ baseUrl: 'ftp://example.com' }), { code: 'CONFIG_INVALID' });
    assert.throws(() => client({ timeoutMs: -5 }), { code: 'CONFIG_INVALID' });
  });
  test('a key that is not the certificate pair is refused: KEY_CERT_MISMATCH', () => {
    assert.throws(() => client({ certificate: fixture(manifest().mismatch_cert) }), { code: 'KEY_CERT_MISMATCH' });
  });
  test('a wrong password is KEY_PASSWORD_INCORRECT', () => {
    assert.throws(() => client({ password: 'nope' }), { code: 'KEY_PASSWORD_INCORRECT' });
    assert.throws(() => client({ password: 42 }), { code: 'CONFIG_INVALID', field: 'password' });
  });

  test('a PEM cut to its first line (an unquoted multi-line .dev.vars / .env value) says how to fix it', async () => {
    const { KcpSigner } = await import('kcp-wasm');
    assert.throws(() => client({ certificate: '-----BEGIN CERTIFICATE-----' }), (e) => {
      assert.equal(e.code, 'CERT_MALFORMED');
      assert.match(e.message, /no END line/);
      assert.match(e.message, /double quotes/);
      assert.match(e.message, /\\n/);
      return true;
    });
    assert.throws(() => KcpSigner.fromPem('-----BEGIN ENCRYPTED PRIVATE KEY-----', 'changeit'), (e) => e.code === 'KEY_MALFORMED' && /\.dev\.vars/.test(e.message));
  });

  test('a missing password (an unset environment variable) is CONFIG_INVALID on password, not "wrong"', async () => {
    const { KcpSigner } = await import('kcp-wasm');
    for (const password of [undefined, null, '']) {
      assert.throws(() => client({ password }), (e) => {
        assert.equal(e.code, 'CONFIG_INVALID');
        assert.equal(e.field, 'password');
        assert.match(e.message, /encrypted/);
        assert.doesNotMatch(e.message, /wrong/);
        return true;
      });
      assert.throws(() => KcpSigner.fromPem(KCP.key, password ?? undefined), { code: 'CONFIG_INVALID', field: 'password' });
    }
    assert.throws(() => KcpSigner.fromPem(KCP.key), { code: 'CONFIG_INVALID', field: 'password' });
  });
  test('the key in the certificate slot is CERT_IS_PRIVATE_KEY', () => {
    assert.throws(() => client({ certificate: KCP.key }), { code: 'CERT_IS_PRIVATE_KEY' });
  });
});

describe('sending', () => {
  test('cancel: one POST of the prepared body; a text/plain JSON reply is parsed', async () => {
    const f = fakeFetch(() =>
      answer({ res_cd: '0000', res_msg: '정상처리', tno: TNO, canc_time: '20260101120000', mod_mny: '10000', rem_mny: '0' }),
    );
    const c = client({ fetch: f });
    const result = await c.cancel({ tno: TNO, reason: 'r' });
    assert.equal(f.calls.length, 1);
    const prepared = c.prepareCancel({ tno: TNO, reason: 'r' });
    assert.equal(f.calls[0].url, prepared.url);
    assert.equal(f.calls[0].init.method, 'POST');
    assert.equal(f.calls[0].init.body, prepared.body);
    assert.equal(f.calls[0].init.headers['Content-Type'], 'application/json; charset=utf-8');
    assert.ok(f.calls[0].init.signal);
    assert.equal(result.resCd, '0000');
    assert.equal(result.resMsg, '정상처리');
    assert.equal(result.tno, TNO);
    assert.equal(result.canceledAt, '20260101120000');
    assert.equal(result.raw.res_msg, '정상처리');
  });

  test('refund: the balance after is checked', async () => {
    const ok = client({
      fetch: fakeFetch(() => answer({ res_cd: '0000', res_msg: 'ok', tno: TNO, mod_mny: '3000', rem_mny: '7000', mod_pacn_seq_no: '1' })),
    });
    const r = await ok.refund({ tno: TNO, amount: 3000, remaining: 10000 });
    assert.equal(r.remaining, 7000);
    assert.equal(r.amount, 3000);
    assert.equal(r.partialSequence, '1');
    assert.deepEqual(r.warnings, []);
  });

  // KCP said 0000: the refund was applied. Whatever disagrees is flagged, never thrown, and raw is kept.
  test('refund: a 0000 reply whose balance disagrees resolves, with the mismatch flagged', async () => {
    const odd = client({ fetch: fakeFetch(() => answer({ res_cd: '0000', res_msg: 'ok', tno: TNO, rem_mny: '6000', mod_pcan_seq_no: '2' })) });
    const r = await odd.refund({ tno: TNO, amount: 3000, remaining: 10000 });
    assert.equal(r.resCd, '0000');
    assert.equal(r.remaining, 6000);
    assert.equal(r.partialSequence, '2');
    assert.equal(r.raw.rem_mny, '6000');
    assert.deepEqual(
      r.warnings.map((w) => [w.code, w.field, w.expected, w.reported]),
      [['REMAINING_MISMATCH', 'rem_mny', '7000', '6000']],
    );
    assert.match(r.warnings[0].message, /applied/);
  });

  test('refund: a 0000 reply without rem_mny resolves with the balance unknown, not as an error', async () => {
    const bare = client({ fetch: fakeFetch(() => answer({ res_cd: '0000', res_msg: 'ok', tno: TNO, bk_rem_mny: '7000' })) });
    const r = await bare.refund({ tno: TNO, amount: 3000, remaining: 10000 });
    assert.equal(r.remaining, undefined);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.raw.bk_rem_mny, '7000');
  });

  test('refund: a 0000 reply with unreadable amounts or another tno still resolves', async () => {
    const c = client({ fetch: fakeFetch(() => answer('{"res_cd":"0000","tno":"21234567890124","rem_mny":"7k","mod_mny":12345678901234567890}')) });
    const r = await c.refund({ tno: TNO, amount: 3000, remaining: 10000 });
    assert.deepEqual(r.warnings.map((w) => w.code).sort(), ['AMOUNT_UNREADABLE', 'AMOUNT_UNREADABLE', 'TNO_MISMATCH']);
    assert.equal(r.tno, '21234567890124');
    assert.equal(r.remaining, undefined);
  });

  // Regression: a reply holding an integer beyond 2^53 used to make the result `undefined`.
  test('refund: integers beyond 2^53 in the reply are kept exactly, as strings, in raw', async () => {
    const text = `{"res_cd":"0000","res_msg":"ok","tno":"${TNO}","mod_mny":"3000","rem_mny":"7000","trace_id":9007199254740993,"huge":123456789012345678901234567890,"neg":-9007199254740993,"safe":9007199254740991,"f":1.5,"__proto__":{"x":1}}`;
    const r = await client({ fetch: fakeFetch(() => answer(text)) }).refund({ tno: TNO, amount: 3000, remaining: 10000 });
    assert.notEqual(r, undefined);
    assert.equal(r.remaining, 7000);
    assert.equal(r.raw.trace_id, '9007199254740993');
    assert.equal(r.raw.huge, '123456789012345678901234567890');
    assert.equal(r.raw.neg, '-9007199254740993');
    assert.equal(r.raw.safe, 9007199254740991);
    assert.equal(r.raw.f, 1.5);
    assert.equal(Object.getPrototypeOf(r.raw), Object.prototype);
    assert.ok(Object.hasOwn(r.raw, '__proto__'));
  });

  test('a rejection always carries raw, big integers included; a known res_cd carries a hint', async () => {
    const text = '{"res_cd":"8012","res_msg":"취소불가-상점관리자 문의","big":9007199254740993}';
    await assert.rejects(client({ fetch: fakeFetch(() => answer(text)) }).cancel({ tno: TNO }), (e) => {
      assert.ok(e instanceof KcpRejectedError);
      assert.equal(e.resCd, '8012');
      assert.equal(e.raw.big, '9007199254740993');
      assert.equal(e.raw.res_msg, '취소불가-상점관리자 문의');
      assert.match(e.hint, /IP/);
      assert.ok(e.message.includes(e.hint));
      return true;
    });
    await assert.rejects(client({ fetch: fakeFetch(() => answer({ res_cd: '9999', res_msg: '?' })) }).cancel({ tno: TNO }), (e) => {
      assert.equal(e.hint, undefined);
      assert.deepEqual(e.raw, { res_cd: '9999', res_msg: '?' });
      return true;
    });
  });

  test('inquire returns the open map', async () => {
    const c = client({ fetch: fakeFetch(() => answer({ res_cd: '0000', res_msg: 'ok', tno: TNO, amount: '10000', anything: 'else' })) });
    const r = await c.inquire({ tno: TNO, payType: 'PACA' });
    assert.equal(r.resCd, '0000');
    assert.equal(r.raw.anything, 'else');
  });

  test('modify sends the other mod_type', async () => {
    const f = fakeFetch(() => answer({ res_cd: '0000', res_msg: 'ok', tno: TNO }));
    await client({ fetch: f }).modify({ tno: TNO, modType: 'STMR' });
    assert.equal(JSON.parse(f.calls[0].init.body).mod_type, 'STMR');
  });

  test('globalThis.fetch is used when none is injected', async () => {
    const saved = globalThis.fetch;
    const f = fakeFetch(() => answer({ res_cd: '0000', res_msg: 'ok', tno: TNO }));
    globalThis.fetch = f;
    try {
      await client().cancel({ tno: TNO });
    } finally {
      globalThis.fetch = saved;
    }
    assert.equal(f.calls.length, 1);
  });

  test('a refusal is KcpRejectedError with res_cd, res_msg, res_en_msg', async () => {
    const c = client({
      fetch: fakeFetch(() => answer({ res_cd: '8133', res_msg: '취소 가능 금액 초과', res_en_msg: 'amount exceeds balance' })),
    });
    await assert.rejects(c.refund({ tno: TNO, amount: 10, remaining: 10 }), (e) => {
      assert.ok(e instanceof KcpRejectedError);
      assert.ok(e instanceof KcpError);
      assert.equal(e.code, 'KCP_REJECTED');
      assert.equal(e.resCd, '8133');
      assert.equal(e.resMsg, '취소 가능 금액 초과');
      assert.equal(e.resEnMsg, 'amount exceeds balance');
      return true;
    });
  });

  test('a non-2xx status is KcpHttpError; for a cancel it says to inquire', async () => {
    const f = fakeFetch(() => answer('Bad Gateway', { status: 502 }));
    await assert.rejects(client({ fetch: f }).cancel({ tno: TNO }), (e) => {
      assert.ok(e instanceof KcpHttpError);
      assert.equal(e.code, 'HTTP_ERROR');
      assert.equal(e.status, 502);
      assert.match(e.message, /inquire/);
      return true;
    });
    assert.equal(f.calls.length, 1, 'never retried');
  });

  test('a body that is not KCP JSON is RESPONSE_MALFORMED', async () => {
    await assert.rejects(client({ fetch: fakeFetch(() => answer('<html>oops</html>')) }).cancel({ tno: TNO }), { code: 'RESPONSE_MALFORMED' });
    await assert.rejects(client({ fetch: fakeFetch(() => answer({ no: 'res_cd' })) }).cancel({ tno: TNO }), { code: 'RESPONSE_MALFORMED' });
  });

  test('a fetch that never answers: the timeout gives OUTCOME_UNKNOWN, and fetch was called exactly once', async () => {
    const f = fakeFetch(() => new Promise(() => {})); // ignores its signal too
    const started = Date.now();
    await assert.rejects(client({ fetch: f, timeoutMs: 10_000 }).refund({ tno: TNO, amount: 1, remaining: 2 }, { timeoutMs: 80 }), (e) => {
      assert.ok(e instanceof KcpOutcomeUnknownError);
      // KcpNetworkError means "safe to retry"; an unknown outcome must never be one.
      assert.ok(!(e instanceof KcpNetworkError));
      assert.ok(e instanceof KcpError);
      assert.equal(e.code, 'OUTCOME_UNKNOWN');
      assert.equal(e.reason, 'timeout');
      assert.equal(e.operation, 'refund');
      assert.equal(e.tno, TNO);
      assert.match(e.message, /inquire/i);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
    assert.equal(f.calls.length, 1);
  });

  test('a fetch that honours its signal is aborted at the deadline', async () => {
    let aborted = false;
    const f = fakeFetch(
      (url, init) =>
        new Promise((_, reject) => {
          init.signal.addEventListener('abort', () => {
            aborted = true;
            reject(init.signal.reason);
          });
        }),
    );
    await assert.rejects(client({ fetch: f, timeoutMs: 50 }).cancel({ tno: TNO }), { code: 'OUTCOME_UNKNOWN' });
    assert.equal(aborted, true);
    assert.equal(f.calls.length, 1);
  });

  test('a network failure on a cancel is OUTCOME_UNKNOWN; on an inquiry NETWORK_ERROR', async () => {
    const fail = () => fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    const f1 = fail();
    await assert.rejects(client({ fetch: f1 }).cancel({ tno: TNO }), (e) => e instanceof KcpOutcomeUnknownError && e.reason === 'network');
    assert.equal(f1.calls.length, 1);
    const f2 = fail();
    await assert.rejects(client({ fetch: f2 }).inquire({ tno: TNO, payType: 'PACA' }), (e) => {
      assert.ok(e instanceof KcpNetworkError);
      assert.ok(!(e instanceof KcpOutcomeUnknownError));
      assert.equal(e.code, 'NETWORK_ERROR');
      return true;
    });
  });

  test('an OUTCOME_UNKNOWN is not an instance of the class of an inquiry\'s network error', async () => {
    const fail = () => fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    const inquiryError = await client({ fetch: fail() }).inquire({ tno: TNO, payType: 'PACA' }).catch((e) => e);
    const refundError = await client({ fetch: fail() }).refund({ tno: TNO, amount: 1, remaining: 2 }).catch((e) => e);
    assert.equal(inquiryError.code, 'NETWORK_ERROR');
    assert.equal(refundError.code, 'OUTCOME_UNKNOWN');
    assert.ok(!(refundError instanceof inquiryError.constructor));
    assert.ok(!(refundError instanceof KcpNetworkError));
    assert.ok(Object.getPrototypeOf(KcpOutcomeUnknownError) === KcpError);
  });

  test('nothing sent (DNS failure, refused connection) is NETWORK_ERROR even for a cancel; anything else stays OUTCOME_UNKNOWN', async () => {
    const failWith = (cause) => fakeFetch(() => Promise.reject(new TypeError('fetch failed', { cause })));
    const errno = (code) => Object.assign(new Error(code), { code });
    for (const cause of [errno('ECONNREFUSED'), errno('ENOTFOUND'), errno('EAI_AGAIN'), new AggregateError([errno('ECONNREFUSED'), errno('ECONNREFUSED')])]) {
      const f = failWith(cause);
      await assert.rejects(client({ fetch: f }).refund({ tno: TNO, amount: 1, remaining: 2 }), (e) => {
        assert.ok(e instanceof KcpNetworkError, e.message);
        assert.equal(e.code, 'NETWORK_ERROR');
        assert.equal(e.reason, 'not-sent');
        assert.match(e.message, /never reached KCP/);
        return true;
      });
      assert.equal(f.calls.length, 1);
    }
    for (const cause of [errno('ECONNRESET'), errno('UND_ERR_SOCKET'), new Error('other'), new AggregateError([errno('ECONNREFUSED'), errno('ETIMEDOUT')]), undefined]) {
      await assert.rejects(client({ fetch: failWith(cause) }).cancel({ tno: TNO }), { code: 'OUTCOME_UNKNOWN' });
    }
  });

  test('a real refused connection (nothing listening) is NETWORK_ERROR', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(client({ baseUrl: `http://127.0.0.1:${port}` }).cancel({ tno: TNO }), (e) => e.code === 'NETWORK_ERROR' && e.reason === 'not-sent');
  });

  test("the caller's signal: aborted before sending is ABORTED (nothing sent); during, OUTCOME_UNKNOWN", async () => {
    const f = fakeFetch(() => new Promise(() => {}));
    const c = client({ fetch: f });
    await assert.rejects(c.cancel({ tno: TNO }, { signal: AbortSignal.abort() }), { code: 'ABORTED' });
    assert.equal(f.calls.length, 0);
    const ac = new AbortController();
    const pending = c.cancel({ tno: TNO }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(pending, (e) => e.code === 'OUTCOME_UNKNOWN' && e.reason === 'aborted');
    assert.equal(f.calls.length, 1);
  });

  test('no fetch anywhere is CONFIG_INVALID', async () => {
    const saved = globalThis.fetch;
    globalThis.fetch = undefined;
    try {
      await assert.rejects(client().cancel({ tno: TNO }), { code: 'CONFIG_INVALID' });
    } finally {
      globalThis.fetch = saved;
    }
  });

  test('validation errors reject before anything is sent', async () => {
    const f = fakeFetch(() => answer({ res_cd: '0000' }));
    await assert.rejects(client({ fetch: f }).refund({ tno: TNO, amount: 9, remaining: 1 }), { code: 'FIELD_INVALID' });
    assert.equal(f.calls.length, 0);
  });
});

test('free() and using', () => {
  const c = client();
  c.free();
  assert.throws(() => c.prepareCancel({ tno: TNO }), { code: 'FREED' });
  {
    const d = client();
    d[Symbol.dispose]();
    assert.throws(() => d.siteCd, { code: 'FREED' });
  }
});

test('ERROR_CODES lists every code the wasm core can throw', async () => {
  // The raw wasm-bindgen glue, instantiated on its own, to read the core's own list.
  const fs = await import('node:fs');
  const { root } = await import('./helpers.mjs');
  const glue = await import(new URL(`file://${root}/pkg/dist/wasm/kcp_wasm.js`).href);
  glue.initSync({ module: fs.readFileSync(`${root}/pkg/dist/wasm/kcp_wasm_bg.wasm`) });
  for (const code of glue.errorCodes()) assert.ok(ERROR_CODES.includes(code), code);
});

test('every error code is listed once', () => {
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  for (const code of ['OUTCOME_UNKNOWN', 'KCP_REJECTED', 'HTTP_ERROR', 'KEY_CERT_MISMATCH', 'NOT_INITIALIZED']) {
    assert.ok(ERROR_CODES.includes(code), code);
  }
});
