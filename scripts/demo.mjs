#!/usr/bin/env node
// `make demo`: the library's main job, end to end, as a merchant would use it.
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
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(dim(`    → ${init.method} ${url}`));
    console.log(dim(`      ${fields}`));
    console.log(dim(`      kcp_cert_info=${shortCert(body.kcp_cert_info)} kcp_sign_data=${short(body.kcp_sign_data)}`));
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
