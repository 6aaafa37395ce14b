#!/usr/bin/env node
// `make demo`: the library's main job, end to end, as a merchant would use it: cancel, refund and
// inquiry, then approval, billing keys, a virtual account and KCP's notification to a local handler.
//
//   node scripts/demo.mjs             against the emulator (kcp-wasm/testing) on 127.0.0.1, real HTTP
//   node scripts/demo.mjs --staging   against KCP's staging server with your own credentials (see
//                                     pkg/docs/emulator.md, "make demo --staging", for the variables)
//
// Every step states the outcome it expects; the script exits 1 if any step's outcome differs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importByName } from './import-package.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.argv.includes('--staging');
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = paint('32');
const red = paint('31');
const dim = paint('2');
const bold = paint('1');

// ---- the package, imported by its name, as a merchant's code would ---------------------------

async function importPackage() {
  return { kcp: await importByName('kcp-wasm'), testing: await importByName('kcp-wasm/testing') };
}

function readFixture(name) {
  for (const dir of ['tests/fixtures/kcp', '../shared/kcp-public-test']) {
    const p = path.join(root, dir, name);
    if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
  }
  throw new Error(`KCP's public test file ${name} was not found in tests/fixtures/kcp/`);
}

// ---- printing ---------------------------------------------------------------------------------

const short = (s) => (typeof s === 'string' && s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-6)} (${s.length} chars)` : s);
const shortCert = (s) => (typeof s === 'string' && s.length > 80 ? `${s.slice(0, 31)}…${s.slice(-25)} (${s.length} chars)` : s);

/** A fetch that prints each request it sends (signature and certificate shortened), then sends it. */
function loggingFetch(inner) {
  return async (url, init) => {
    let body = {};
    try {
      body = JSON.parse(init.body);
    } catch {
      // not JSON: print nothing of it
    }
    const fields = Object.entries(body)
      .filter(([k]) => k !== 'kcp_cert_info' && k !== 'kcp_sign_data')
      // A billing key charges the card with no signature: shown like a secret, never whole.
      .map(([k, v]) => `${k}=${/batch_key$/.test(k) && typeof v === 'string' ? `${v.slice(0, 4)}…${v.slice(-4)}` : short(v)}`)
      .join(' ');
    console.log(dim(`    → ${init.method} ${url}`));
    console.log(dim(`      ${fields}`));
    const auth = [`kcp_cert_info=${shortCert(body.kcp_cert_info)}`];
    if (body.kcp_sign_data !== undefined) auth.push(`kcp_sign_data=${short(body.kcp_sign_data)}`);
    else auth.push('(no kcp_sign_data: KCP authenticates this call by the certificate alone)');
    console.log(dim(`      ${auth.join(' ')}`));
    return inner(url, init);
  };
}

function describeError(e) {
  const parts = [e.code ?? e.name];
  if (e.resCd) parts.push(`res_cd ${e.resCd}`);
  if (e.status) parts.push(`HTTP ${e.status}`);
  if (e.field) parts.push(`field ${e.field}`);
  return parts.join(' ');
}

const results = [];

/**
 * Runs one step. `expect` is { ok: true, check?(result) } or { error: [code, …], check?(error) };
 * `check` returns a string describing what it verified, or throws.
 */
async function step(title, run, expect) {
  const n = results.length + 1;
  console.log(`\n${bold(`[${n}] ${title}`)}`);
  let outcome;
  let detail;
  try {
    const value = await run();
    outcome = { ok: true, value };
  } catch (error) {
    outcome = { ok: false, error };
  }
  let pass;
  try {
    if (expect.ok) {
      if (!outcome.ok) throw new Error(`expected success, got ${describeError(outcome.error)}: ${outcome.error.message}`);
      detail = expect.check ? expect.check(outcome.value) : 'ok';
    } else {
      if (outcome.ok) throw new Error(`expected ${expect.error.join(' or ')}, but it succeeded: ${JSON.stringify(outcome.value.raw ?? outcome.value)}`);
      if (!expect.error.includes(outcome.error.code)) {
        throw new Error(`expected ${expect.error.join(' or ')}, got ${describeError(outcome.error)}: ${outcome.error.message}`);
      }
      detail = expect.check ? expect.check(outcome.error) : describeError(outcome.error);
    }
    pass = true;
  } catch (e) {
    pass = false;
    detail = e.message;
  }
  const label = outcome.ok ? 'result' : 'error';
  console.log(`    ${pass ? green('✓ as expected') : red('✗ NOT as expected')} · ${label}: ${detail}`);
  if (!outcome.ok && pass) console.log(dim(`      message: ${outcome.error.message}`));
  results.push({ title, pass });
  return outcome;
}

const assert = (cond, what) => {
  if (!cond) throw new Error(`check failed: ${what}`);
};

function summary(r) {
  const bits = [`res_cd ${r.resCd}`, r.resMsg];
  if (r.amount !== undefined) bits.push(`mod_mny ${r.amount}`);
  if (r.remaining !== undefined) bits.push(`rem_mny ${r.remaining}`);
  if (r.partialSequence !== undefined) bits.push(`mod_pacn_seq_no ${r.partialSequence}`);
  if (r.canceledAt !== undefined) bits.push(`canc_time ${r.canceledAt}`);
  return bits.join(' · ');
}

// ---- the emulator flow ------------------------------------------------------------------------

async function emulatorDemo() {
  const { kcp, testing } = await importPackage();
  const certificate = readFixture('splCert.pem');
  const privateKey = readFixture('splPrikeyPKCS8.pem');
  const CANCEL_TNO = '20261127000001';
  const REFUND_TNO = '20261127000002';

  const emulator = testing.createKcpEmulator({
    merchants: [{ siteCd: 'T0000', certificate }],
    transactions: [
      { tno: CANCEL_TNO, amount: 50000, payType: 'PACA' },
      { tno: REFUND_TNO, amount: 30000, payType: 'PACA' },
    ],
  });
  const { url } = await emulator.listen({ host: '127.0.0.1', port: 0 });
  console.log(bold('kcp-wasm demo: cancel, refund and inquire against the KCP emulator'));
  console.log(`emulator: ${url} (kcp-wasm/testing) · merchant T0000 with KCP's public test certificate`);
  console.log(`seeded: tno ${CANCEL_TNO} 50000 won, tno ${REFUND_TNO} 30000 won (card, PACA)`);

  try {
    const client = new kcp.KcpClient({
      siteCd: 'T0000',
      certificate,
      privateKey,
      password: 'changeit',
      baseUrl: url,
      fetch: loggingFetch(globalThis.fetch),
      timeoutMs: 5000,
    });
    console.log(`client: KCP's public test key decrypted (password changeit), pair of the certificate checked`);
    console.log(`        kcp_cert_info ${shortCert(kcp.serializeCertificate(certificate))}`);

    await step(`Full cancel of tno ${CANCEL_TNO} (STSC)`, () => client.cancel({ tno: CANCEL_TNO, reason: '고객 요청 전체 취소' }), {
      ok: true,
      check: (r) => {
        assert(r.resCd === '0000' && r.tno === CANCEL_TNO && r.remaining === 0 && r.amount === 50000, 'cancelled 50000, 0 left');
        return summary(r);
      },
    });

    await step(`Partial refund of 5000 from tno ${REFUND_TNO} (STPC, balance 30000)`,
      () => client.refund({ tno: REFUND_TNO, amount: 5000, remaining: 30000, reason: '부분 환불 1' }), {
        ok: true,
        check: (r) => {
          assert(r.remaining === 25000 && r.partialSequence === '1', 'rem_mny 25000, sequence 1');
          return summary(r);
        },
      });

    await step(`Second partial refund of 7000 (STPC, balance 25000)`,
      () => client.refund({ tno: REFUND_TNO, amount: 7000, remaining: 25000, reason: '부분 환불 2' }), {
        ok: true,
        check: (r) => {
          assert(r.remaining === 18000 && r.partialSequence === '2', 'rem_mny 18000, sequence 2');
          return summary(r);
        },
      });

    // KCP's rule is mod_mny <= rem_mny; the client refuses that locally before signing anything,
    // and the emulator refuses it too (E303) if a caller sends it anyway.
    await step('Over-refund: 20000 from a balance of 18000 (refused)',
      () => client.refund({ tno: REFUND_TNO, amount: 20000, remaining: 18000 }), {
        error: ['FIELD_INVALID', 'KCP_REJECTED'],
        check: (e) => {
          if (e.code === 'KCP_REJECTED') assert(e.resCd === 'E303', 'res_cd E303');
          return e.code === 'FIELD_INVALID' ? `${describeError(e)} · refused by the client, nothing was sent` : describeError(e);
        },
      });

    await step('Stale retry: the second refund sent again with its old balance 25000 (refused)',
      () => client.refund({ tno: REFUND_TNO, amount: 7000, remaining: 25000, reason: '부분 환불 2' }), {
        error: ['KCP_REJECTED'],
        check: (e) => {
          assert(e.resCd === 'E302', 'res_cd E302 (rem_mny is not the current balance)');
          return `${describeError(e)} · ${e.resEnMsg ?? e.resMsg}`;
        },
      });

    await step(`Inquiry of tno ${REFUND_TNO}`, () => client.inquire({ tno: REFUND_TNO, payType: 'PACA' }), {
      ok: true,
      check: (r) => {
        assert(r.raw.rem_mny === '18000', 'rem_mny 18000 left');
        return `res_cd ${r.resCd} · amount ${r.raw.amount} · cancelled ${r.raw.canc_mny} · rem_mny ${r.raw.rem_mny}`;
      },
    });

    // The reply to this refund is lost: the emulator applies it, then never answers.
    emulator.inject({ type: 'apply-then-timeout', match: { tno: REFUND_TNO, modType: 'STPC' } });
    await step('Refund of 3000 whose reply never arrives (client timeout 1500 ms)',
      () => client.refund({ tno: REFUND_TNO, amount: 3000, remaining: 18000, reason: '부분 환불 3' }, { timeoutMs: 1500 }), {
        error: ['OUTCOME_UNKNOWN'],
        check: (e) => `${describeError(e)} (${e.reason}) · do not resend: inquire first`,
      });

    await step('Settle it with an inquiry: did the money move?', () => client.inquire({ tno: REFUND_TNO, payType: 'PACA' }), {
      ok: true,
      check: (r) => {
        assert(r.raw.rem_mny === '15000', 'rem_mny 15000: the lost refund was applied');
        return `rem_mny ${r.raw.rem_mny} (was 18000): the 3000 refund WAS applied, so it must not be sent again`;
      },
    });

    const l = emulator.ledger(REFUND_TNO);
    assert(l.remaining === 15000 && l.partialSequence === 3, 'emulator ledger agrees');
    console.log(`\nemulator ledger for ${REFUND_TNO}: paid ${l.amount}, refunded ${l.history.map((h) => h.amount).join(' + ')}, remaining ${l.remaining}`);
    client.free();
  } finally {
    await emulator.close();
    console.log('emulator stopped');
  }
  await lifecycleDemo(kcp, testing, certificate, privateKey);
}

// ---- the rest of a merchant server: approval, billing keys, virtual accounts, notifications ------

/** Serves a fetch-style handler (Request → Response) on 127.0.0.1 over node:http. */
async function serveHandler(handler) {
  const http = await import('node:http');
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/kcp/notify`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function lifecycleDemo(kcp, testing, certificate, privateKey) {
  console.log(bold('\nThe rest of a merchant server: approval, billing keys, a virtual account and its notification'));
  // The merchant's notification endpoint, built with the package's handler. Its callback fails on
  // the first delivery (a busy database), so the reply refuses it and the emulator re-delivers.
  const received = [];
  const handler = kcp.createNotificationHandler({
    allowAnyIp: true, // a local demo: in production pass clientIp (the platform's peer address)
    async onNotification(notification) {
      received.push(notification);
      if (received.length === 1) throw new Error('database busy');
    },
  });
  const merchantServer = await serveHandler(handler);
  const emulator = testing.createKcpEmulator({
    merchants: [{ siteCd: 'T0000', certificate }],
    notifyUrl: merchantServer.url,
    notifyIntervalMs: 300,
  });
  const { url } = await emulator.listen({ host: '127.0.0.1', port: 0 });
  console.log(`emulator: ${url} · the merchant's notification URL: ${merchantServer.url}`);
  const client = new kcp.KcpClient({
    siteCd: 'T0000', certificate, privateKey, password: 'changeit', baseUrl: url, fetch: loggingFetch(globalThis.fetch), timeoutMs: 5000,
  });
  /** What KCP's payment window hands the merchant's page (the emulator's stand-in for the window). */
  const paymentWindow = async (order) => {
    const res = await fetch(`${url}/__emulator/window`, { method: 'POST', body: JSON.stringify({ site_cd: 'T0000', ...order }) });
    const w = await res.json();
    console.log(dim(`    window (${order.pay_method}): res_cd ${w.res_cd} · tran_cd ${w.tran_cd} · enc_data ${short(w.enc_data)} · use_pay_method ${w.use_pay_method}`));
    return { tranCd: w.tran_cd, encData: w.enc_data, encInfo: w.enc_info };
  };
  try {
    // ---- a card checkout ----
    const card = await paymentWindow({ ordr_idxx: 'ORDER-1001', good_mny: '15000', pay_method: 'CARD' });
    await step('Approval with a tampered amount (1500 instead of the order\'s 15000): refused', () => client.approve({ ...card, amount: 1500 }), {
      error: ['KCP_REJECTED'],
      check: (e) => {
        assert(e.resCd === '8059', 'res_cd 8059 (payment amount mismatch)');
        return `${describeError(e)} · ${e.resMsg}`;
      },
    });
    const approval = await step('Approval of the card checkout (15000, ORDER-1001)', () => client.approve({ ...card, amount: 15000, orderId: 'ORDER-1001' }), {
      ok: true,
      check: (r) => {
        assert(r.method === 'card' && r.payType === 'PACA' && r.amount === 15000 && r.tno && r.warnings.length === 0, 'a card payment of 15000 with a tno');
        return `tno ${r.tno} · ${r.method} ${r.card?.name ?? ''} · amount ${r.amount} · app_time ${r.approvedAt}`;
      },
    });
    const tno = approval.ok ? approval.value.tno : '0';
    await step(`Partial refund of 5000 from the new tno ${tno}`, () => client.refund({ tno, amount: 5000, remaining: 15000, reason: '부분 환불' }), {
      ok: true,
      check: (r) => {
        assert(r.remaining === 10000, 'rem_mny 10000');
        return summary(r);
      },
    });
    await step(`Full cancel of what remains of tno ${tno}`, () => client.cancel({ tno, reason: '고객 요청 취소' }), {
      ok: true,
      check: (r) => {
        assert(r.remaining === 0 && r.amount === 10000, 'cancelled 10000, 0 left');
        return summary(r);
      },
    });
    const second = await paymentWindow({ ordr_idxx: 'ORDER-1002', good_mny: '8000', pay_method: 'CARD' });
    await step('Approved, but the shop\'s database fails: approveAndRecord cancels the payment once', () =>
      client.approveAndRecord({ ...second, amount: 8000 }, async () => {
        throw new Error('INSERT failed: database unavailable');
      }), {
      error: ['APPROVAL_CANCELLED'],
      check: (e) => {
        assert(emulator.ledger(e.approval.tno)?.remaining === 0, 'the emulator holds the payment cancelled');
        return `${e.code} · tno ${e.approval.tno} cancelled (rem_mny ${e.cancel.remaining}) · cause: ${e.cause.message}`;
      },
    });

    // ---- a billing key ----
    const auth = await paymentWindow({ ordr_idxx: 'SUB-2001', pay_method: 'AUTH' });
    const key = await step('Billing key issued from the billing-key window', () => client.issueBillingKey(auth), {
      ok: true,
      check: (r) => {
        assert(/^\d{16}$/.test(r.batchKey), 'a 16-digit batch_key');
        return `batch_key ${r.batchKey.slice(0, 4)}…${r.batchKey.slice(-4)} · ${r.cardName ?? ''}`;
      },
    });
    const batchKey = key.ok ? key.value.batchKey : '0';
    const groupId = 'T00001000001';
    const tnos = [];
    for (const month of [1, 2]) {
      await step(`Charge ${month} of the billing key: 9900 (SUB-2001-${month})`, () => client.chargeBillingKey({ batchKey, groupId, orderId: `SUB-2001-${month}`, amount: 9900, goodName: '월간 구독' }), {
        ok: true,
        check: (r) => {
          assert(r.amount === 9900 && r.tno && !tnos.includes(r.tno), 'a new tno for 9900');
          tnos.push(r.tno);
          return `tno ${r.tno} · amount ${r.amount}`;
        },
      });
    }
    await step('Billing key deleted', () => client.deleteBillingKey({ batchKey, groupId }), { ok: true, check: (r) => `res_cd ${r.resCd} ${r.resMsg}` });
    await step('A charge with the deleted key: refused', () => client.chargeBillingKey({ batchKey, groupId, orderId: 'SUB-2001-3', amount: 9900, goodName: '월간 구독' }), {
      error: ['KCP_REJECTED'],
      check: (e) => `${describeError(e)} · ${e.resEnMsg ?? e.resMsg}`,
    });

    // ---- a virtual account and KCP's notification ----
    const va = await step('Virtual account issued for ORDER-3001 (45000)', () => client.issueVirtualAccount({
      orderId: 'ORDER-3001', amount: 45000, goodName: '책상 조명', buyerName: '홍길동', bankCode: 'BK04', depositor: '예제상점', dueAt: '20301231235959',
    }), {
      ok: true,
      check: (r) => {
        assert(r.tno && r.account && r.amount === 45000, 'a tno and an account for 45000');
        return `tno ${r.tno} · ${r.bankName} ${r.account} (${r.depositor}) until ${r.dueAt}`;
      },
    });
    const vaTno = va.ok ? va.value.tno : '0';
    await step('The buyer deposits 45000: KCP notifies the shop; the first delivery is refused, the re-delivery acknowledged', async () => {
      await fetch(`${url}/__emulator/deposit`, { method: 'POST', body: JSON.stringify({ tno: vaTno, amount: '45000' }) });
      return emulator.settled();
    }, {
      ok: true,
      check: (deliveries) => {
        const mine = deliveries.filter((d) => d.tno === vaTno);
        assert(mine.length === 2 && !mine[0].acknowledged && mine[1].acknowledged, 'two deliveries: refused, then acknowledged');
        assert(received.length === 2 && received[1].kind === 'virtualAccountDeposit' && received[1].deposit?.amount === 45000, 'the handler read a 45000 deposit');
        assert(received[0].dedupKey === received[1].dedupKey, 'both deliveries carry the same dedupKey');
        return mine.map((d) => `delivery ${d.attempt}: HTTP ${d.status}, ${d.acknowledged ? 'acknowledged (result 0000)' : 'refused'}`).join(' · ') +
          ` · ${received[1].kind} ${received[1].deposit.amount} won, dedupKey ${received[1].dedupKey}`;
      },
    });
    client.free();
  } finally {
    await emulator.close();
    await merchantServer.close();
  }
}

// ---- the staging flow -------------------------------------------------------------------------

function env(name, fallback) {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

async function stagingDemo() {
  const missing = ['KCP_CERT_FILE', 'KCP_KEY_FILE', 'KCP_KEY_PASSWORD'].filter((n) => !env(n));
  if (missing.length) {
    console.error(`demo --staging needs ${missing.join(', ')} (and KCP_SITE_CD, KCP_CANCEL_TNO / KCP_REFUND_TNO, …): see pkg/docs/emulator.md`);
    process.exit(2);
  }
  const { kcp } = await importPackage();
  const siteCd = env('KCP_SITE_CD', 'T0000');
  const payType = env('KCP_PAY_TYPE', 'PACA');
  const cancelTno = env('KCP_CANCEL_TNO');
  const refundTno = env('KCP_REFUND_TNO');
  const refundAmount = Number(env('KCP_REFUND_AMOUNT', '1000'));
  const client = new kcp.KcpClient({
    siteCd,
    certificate: fs.readFileSync(env('KCP_CERT_FILE'), 'utf8'),
    privateKey: fs.readFileSync(env('KCP_KEY_FILE'), 'utf8'),
    password: env('KCP_KEY_PASSWORD'),
    environment: 'staging',
    // Another server speaking KCP's API (a proxy, or the emulator: how this flow is tested).
    ...(env('KCP_BASE_URL') ? { baseUrl: env('KCP_BASE_URL') } : {}),
    fetch: loggingFetch(globalThis.fetch),
  });
  console.log(bold(`kcp-wasm demo against ${env('KCP_BASE_URL') ? '' : 'KCP staging '}${client.baseUrl} as ${siteCd}`));
  if (!cancelTno && !refundTno) console.log('nothing to do: set KCP_CANCEL_TNO and/or KCP_REFUND_TNO to test transactions of yours');

  if (cancelTno) {
    await step(`Full cancel of tno ${cancelTno}`, () => client.cancel({ tno: cancelTno, reason: 'kcp-wasm demo' }), { ok: true, check: summary });
  }
  if (refundTno) {
    const inq = await step(`Inquiry of tno ${refundTno}`, () => client.inquire({ tno: refundTno, payType }), {
      ok: true,
      check: (r) => `res_cd ${r.resCd} · ${JSON.stringify(r.raw)}`,
    });
    let remaining = Number(env('KCP_REFUND_REMAINING', inq.ok ? inq.value.raw.rem_mny : NaN));
    if (!Number.isSafeInteger(remaining)) {
      console.log('    the balance is unknown: set KCP_REFUND_REMAINING to the transaction\'s cancellable balance');
    } else {
      for (const k of [1, 2]) {
        const r = await step(`Partial refund ${k}: ${refundAmount} of ${remaining}`,
          () => client.refund({ tno: refundTno, amount: refundAmount, remaining, reason: `kcp-wasm demo ${k}` }), { ok: true, check: summary });
        if (!r.ok) break;
        remaining = r.value.remaining ?? remaining - refundAmount;
      }
      await step(`Over-refund: ${remaining + 1} of ${remaining} (refused)`,
        () => client.refund({ tno: refundTno, amount: remaining + 1, remaining }), { error: ['FIELD_INVALID', 'KCP_REJECTED'] });
      await step(`Inquiry of tno ${refundTno} after the refunds`, () => client.inquire({ tno: refundTno, payType }), {
        ok: true,
        check: (r) => `res_cd ${r.resCd} · ${JSON.stringify(r.raw)}`,
      });
    }
  }
  console.log(dim('\n(the "reply never arrives" step needs the emulator and is skipped against staging)'));
  client.free();
}

// ---- main -------------------------------------------------------------------------------------

try {
  if (staging) await stagingDemo();
  else await emulatorDemo();
} catch (e) {
  console.error(red(`\ndemo failed: ${e?.code ? `${e.code}: ` : ''}${e?.message ?? e}`));
  if (/dist[\\/]/.test(String(e?.message))) console.error('the package is not built: run `make demo`, which builds it first');
  process.exitCode = 1;
}
const passed = results.filter((r) => r.pass).length;
if (results.length > 0) {
  const line = `demo: ${passed}/${results.length} steps as expected`;
  console.log(`\n${passed === results.length ? green(line) : red(line)}`);
}
if (passed !== results.length) process.exitCode = 1;
