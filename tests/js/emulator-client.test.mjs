// The package's own client against `kcp-wasm/testing`, both imported by name as a merchant
// would: through an injected fetch (no sockets), over real HTTP on loopback, and the CLI.
// Here the emulator checks signatures with the package's wasm (its default verifier).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { startEmulatorCli } from './helpers.mjs';
import { importByName } from '../../scripts/import-package.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const kcp = await importByName('kcp-wasm');
const { createKcpEmulator, EMULATOR_REFUSAL_CODES } = await importByName('kcp-wasm/testing');
const { runEmulatorCli } = await import('../../pkg/src/testing/cli.js');

const fixture = (p) => fs.readFileSync(path.join(root, 'tests/fixtures', p), 'utf8');
const CERT = fixture('kcp/splCert.pem');
const KEY = fixture('kcp/splPrikeyPKCS8.pem');
// A second merchant with its own pair (unencrypted PKCS#8 made by the fixture script).
const OTHER_CERT = fixture('rsa2048/cert.pem');
const OTHER_KEY = fixture('rsa2048/pkcs8.pem');

const CANCEL_TNO = '20261127000001';
const TNO = '20261127000002';
const OTHER_TNO = '20261127000009';

function setup(extra = {}) {
  const emulator = createKcpEmulator({
    merchants: [{ siteCd: 'T0000', certificate: CERT }, { siteCd: 'T0001', certificate: OTHER_CERT }],
    transactions: [
      { tno: CANCEL_TNO, amount: 50000 },
      { tno: TNO, amount: 30000 },
      { tno: OTHER_TNO, amount: 9000, siteCd: 'T0001' },
    ],
    ...extra,
  });
  const client = new kcp.KcpClient({ siteCd: 'T0000', certificate: CERT, privateKey: KEY, password: 'changeit', fetch: emulator.fetch, timeoutMs: 2000 });
  return { emulator, client };
}

/** Asserts `promise` rejects with a KcpError of `code` and returns the error. */
async function rejectsWith(promise, code) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.ok(error instanceof kcp.KcpError, `expected a KcpError, got ${error?.name}: ${error?.message}`);
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  return error;
}

describe('client → emulator through injected fetch (no sockets)', () => {
  test('full cancel, two partial refunds, inquiry: the ledger moves exactly', async () => {
    const { emulator, client } = setup();
    const c = await client.cancel({ tno: CANCEL_TNO, reason: '전체 취소' });
    assert.equal(c.resCd, '0000');
    assert.equal(c.tno, CANCEL_TNO);
    assert.equal(Number(c.amount), 50000);
    assert.equal(Number(c.remaining), 0);
    assert.match(c.canceledAt, /^20\d{12}$/);
    assert.equal(emulator.ledger(CANCEL_TNO).state, 'cancelled');

    const r1 = await client.refund({ tno: TNO, amount: 5000, remaining: 30000, reason: '부분 환불' });
    assert.equal(Number(r1.remaining), 25000);
    assert.equal(r1.partialSequence, '1');
    const r2 = await client.refund({ tno: TNO, amount: '7000', remaining: '25000' });
    assert.equal(Number(r2.remaining), 18000);
    assert.equal(r2.partialSequence, '2');
    assert.equal(r2.raw.mod_mny, '7000');
    const l = emulator.ledger(TNO);
    assert.deepEqual([l.amount, l.remaining, l.state, l.partialSequence], [30000, 18000, 'partially-cancelled', 2]);

    const i = await client.inquire({ tno: TNO, payType: 'PACA' });
    assert.equal(i.resCd, '0000');
    assert.equal(i.raw.rem_mny, '18000');
    assert.equal(emulator.requests().length, 4);
  });

  test('refusals come back as KcpRejectedError with the emulator res_cd, ledger unchanged', async () => {
    const { emulator, client } = setup();
    await client.refund({ tno: TNO, amount: 5000, remaining: 30000 });
    const before = emulator.ledgers();

    const stale = await rejectsWith(client.refund({ tno: TNO, amount: 5000, remaining: 30000 }), 'KCP_REJECTED');
    assert.ok(stale instanceof kcp.KcpRejectedError);
    assert.equal(stale.resCd, 'E302');
    assert.equal(stale.resMsg.startsWith(EMULATOR_REFUSAL_CODES.E302.ko), true);

    // over-refund: the client refuses it itself, or the emulator does (E303)
    const over = await client.refund({ tno: TNO, amount: 25001, remaining: 25000 }).then(() => null, (e) => e);
    assert.ok(over instanceof kcp.KcpError);
    assert.ok(over.code === 'FIELD_INVALID' || (over.code === 'KCP_REJECTED' && over.resCd === 'E303'), `${over.code} ${over.resCd}`);

    assert.equal((await rejectsWith(client.cancel({ tno: '20261127999999' }), 'KCP_REJECTED')).resCd, 'E300');
    // another merchant's transaction is unknown to this one
    assert.equal((await rejectsWith(client.cancel({ tno: OTHER_TNO }), 'KCP_REJECTED')).resCd, 'E300');
    assert.equal((await rejectsWith(client.inquire({ tno: TNO, payType: 'PABK' }), 'KCP_REJECTED')).resCd, 'E305');
    assert.deepEqual(emulator.ledgers(), before);

    await client.cancel({ tno: TNO });
    const after = emulator.ledgers();
    assert.equal((await rejectsWith(client.refund({ tno: TNO, amount: 1, remaining: 25000 }), 'KCP_REJECTED')).resCd, 'E301');
    assert.deepEqual(emulator.ledgers(), after);
  });

  test('the wasm verifier refuses a signature over the wrong plaintext, and a wrong certificate', async () => {
    const { emulator, client } = setup();
    const before = emulator.ledgers();
    const send = (body) => emulator.fetch('https://stg-spl.kcp.co.kr/gw/mod/v1/cancel', { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

    const refund = JSON.parse(client.prepareRefund({ tno: TNO, amount: 1000, remaining: 30000 }).body);
    // signed over T0000^tno^STPC, sent as a full cancel
    assert.equal((await send({ ...refund, mod_type: 'STSC' })).res_cd, 'E202');
    // signed for one tno, sent for another
    assert.equal((await send({ ...refund, tno: CANCEL_TNO })).res_cd, 'E202');
    emulator.addTransaction({ tno: '20261127000003', amount: 1000 });
    // the other merchant's certificate under T0000
    const other = new kcp.KcpClient({ siteCd: 'T0000', certificate: OTHER_CERT, privateKey: OTHER_KEY, password: '', fetch: emulator.fetch });
    assert.equal((await rejectsWith(other.cancel({ tno: '20261127000003' }), 'KCP_REJECTED')).resCd, 'E201');
    // and the other merchant under its own site_cd works on its own transaction
    const t0001 = new kcp.KcpClient({ siteCd: 'T0001', certificate: OTHER_CERT, privateKey: OTHER_KEY, password: '', fetch: emulator.fetch });
    assert.equal((await t0001.cancel({ tno: OTHER_TNO })).resCd, '0000');
    // a site_cd nobody registered
    const stranger = new kcp.KcpClient({ siteCd: 'T9999', certificate: CERT, privateKey: KEY, password: 'changeit', fetch: emulator.fetch });
    assert.equal((await rejectsWith(stranger.inquire({ tno: TNO, payType: 'PACA' }), 'KCP_REJECTED')).resCd, 'E200');
    assert.equal(emulator.ledger(TNO).remaining, before.find((l) => l.tno === TNO).remaining);
    other.free();
    t0001.free();
    stranger.free();
  });

  test('faults surface as the right typed errors, each request sent exactly once', async () => {
    const { emulator, client } = setup();
    const sent = () => emulator.requests().length;

    emulator.inject({ type: 'delay', ms: 1000 });
    let n = sent();
    const slow = await rejectsWith(client.refund({ tno: TNO, amount: 1000, remaining: 30000 }, { timeoutMs: 100 }), 'OUTCOME_UNKNOWN');
    assert.ok(slow instanceof kcp.KcpOutcomeUnknownError);
    assert.equal(sent(), n + 1);
    assert.equal(emulator.ledger(TNO).remaining, 30000, 'gave up during the delay: not applied');

    emulator.inject({ type: 'drop' });
    n = sent();
    await rejectsWith(client.refund({ tno: TNO, amount: 1000, remaining: 30000 }), 'OUTCOME_UNKNOWN');
    assert.equal(sent(), n + 1);
    emulator.inject({ type: 'drop' });
    await rejectsWith(client.inquire({ tno: TNO, payType: 'PACA' }), 'NETWORK_ERROR');

    emulator.inject({ type: 'http-error', status: 503 });
    const http = await rejectsWith(client.refund({ tno: TNO, amount: 1000, remaining: 30000 }), 'HTTP_ERROR');
    assert.equal(http.status, 503);
    assert.equal(emulator.ledger(TNO).remaining, 30000);

    emulator.inject({ type: 'text-plain' });
    const plain = await client.refund({ tno: TNO, amount: 1000, remaining: 30000 });
    assert.equal(Number(plain.remaining), 29000);

    emulator.inject({ type: 'apply-then-timeout' });
    n = sent();
    const lost = await rejectsWith(client.refund({ tno: TNO, amount: 2000, remaining: 29000 }, { timeoutMs: 150 }), 'OUTCOME_UNKNOWN');
    assert.match(lost.message, /inquire/);
    assert.equal(sent(), n + 1, 'never retried');
    assert.equal(emulator.ledger(TNO).remaining, 27000, 'applied although the caller never heard');
    const settled = await client.inquire({ tno: TNO, payType: 'PACA' });
    assert.equal(settled.raw.rem_mny, '27000');
    // a caller's own abort after sending is an unknown outcome too
    emulator.inject({ type: 'apply-then-timeout' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await rejectsWith(client.refund({ tno: TNO, amount: 1000, remaining: 27000 }, { signal: ac.signal }), 'OUTCOME_UNKNOWN');
    assert.equal(emulator.ledger(TNO).remaining, 26000);
    await emulator.close();
  });
});

describe('client → emulator over real HTTP on loopback', () => {
  let emulator, client, url;
  before(async () => {
    ({ emulator } = setup());
    ({ url } = await emulator.listen({ port: 0 }));
    client = new kcp.KcpClient({ siteCd: 'T0000', certificate: CERT, privateKey: KEY, password: 'changeit', baseUrl: url, timeoutMs: 2000 });
  });
  after(async () => {
    client.free();
    await emulator.close();
  });

  test('cancel, refunds, a refusal and an inquiry with the host fetch', async () => {
    assert.equal(client.baseUrl.replace(/\/$/, ''), url);
    assert.equal((await client.cancel({ tno: CANCEL_TNO })).resCd, '0000');
    assert.equal(Number((await client.refund({ tno: TNO, amount: 4000, remaining: 30000 })).remaining), 26000);
    assert.equal((await rejectsWith(client.refund({ tno: TNO, amount: 4000, remaining: 30000 }), 'KCP_REJECTED')).resCd, 'E302');
    assert.equal((await client.inquire({ tno: TNO, payType: 'PACA' })).raw.rem_mny, '26000');
  });

  test('apply then time out over a socket gives OUTCOME_UNKNOWN; the inquiry settles it', async () => {
    emulator.inject({ type: 'apply-then-timeout' });
    // generous: under load the request must reach the emulator before the client gives up
    await rejectsWith(client.refund({ tno: TNO, amount: 1000, remaining: 26000 }, { timeoutMs: 1000 }), 'OUTCOME_UNKNOWN');
    assert.equal((await client.inquire({ tno: TNO, payType: 'PACA' })).raw.rem_mny, '25000');
  });

  test('a dropped connection and a 5xx over a socket', async () => {
    emulator.inject({ type: 'drop' });
    await rejectsWith(client.refund({ tno: TNO, amount: 1000, remaining: 25000 }), 'OUTCOME_UNKNOWN');
    emulator.inject({ type: 'http-error', status: 502 });
    assert.equal((await rejectsWith(client.inquire({ tno: TNO, payType: 'PACA' }), 'HTTP_ERROR')).status, 502);
    assert.equal(emulator.ledger(TNO).remaining, 25000);
  });
});

describe('kcp-wasm emulator (CLI)', () => {
  test('serves seeded transactions on loopback until stopped', async () => {
    const certFile = path.join(root, 'tests/fixtures/kcp/splCert.pem');
    const ac = new AbortController();
    const lines = [];
    let listening;
    const ready = new Promise((resolve) => {
      listening = resolve;
    });
    const done = runEmulatorCli(['--port', '0', '--site-cd', 'T0000', '--cert', certFile, '--seed', `${TNO}:30000:PACA`], {
      signal: ac.signal,
      stdout: (l) => lines.push(l),
      stderr: (l) => lines.push(l),
      onListening: listening,
    });
    const { url } = await ready;
    const client = new kcp.KcpClient({ siteCd: 'T0000', certificate: CERT, privateKey: KEY, password: 'changeit', baseUrl: url });
    assert.equal(Number((await client.refund({ tno: TNO, amount: 3000, remaining: 30000 })).remaining), 27000);
    ac.abort();
    assert.equal(await done, 0);
    const out = lines.join('\n');
    assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /seeded: tno 20261127000002 30000 won PACA/);
    assert.match(out, /POST \/gw\/mod\/v1\/cancel tno=20261127000002 STPC → res_cd 0000/);
    client.free();
  });

  const hasBin = fs.existsSync(path.join(root, 'pkg/bin/kcp-wasm.js'));
  test('`kcp-wasm emulator` as a process, driven by `kcp-wasm refund --base-url`', { skip: !hasBin && 'pkg/bin/kcp-wasm.js is not there' }, async () => {
    const bin = path.join(root, 'pkg/bin/kcp-wasm.js');
    const certFile = path.join(root, 'tests/fixtures/kcp/splCert.pem');
    const emu = await startEmulatorCli(['--port', '0', '--cert', certFile, '--seed', `${TNO}:30000`], { startTimeoutMs: 10_000 });
    const { url } = emu;
    let exitCode;
    try {
      const env = { ...process.env, KCP_SITE_CD: 'T0000', KCP_CERT_FILE: certFile, KCP_KEY_FILE: path.join(root, 'tests/fixtures/kcp/splPrikeyPKCS8.pem'), KCP_KEY_PASSWORD: 'changeit' };
      const run = (args) => new Promise((resolve) => {
        execFile(process.execPath, [bin, ...args, '--base-url', url], { env }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
      });
      const ok = await run(['refund', '--tno', TNO, '--amount', '1000', '--remaining', '30000']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /29000/);
      const stale = await run(['refund', '--tno', TNO, '--amount', '1000', '--remaining', '30000']);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /KCP_REJECTED/);
      assert.match(stale.stderr, /E302/);
      assert.match(emu.log(), /STPC → res_cd E302/);
    } finally {
      exitCode = await emu.stop();
    }
    assert.equal(exitCode, 0);
    assert.match(emu.log(), /KCP emulator stopped/);
  });

  test('usage errors exit 2 without listening', async () => {
    const quiet = { stdout: () => {}, stderr: () => {} };
    assert.equal(await runEmulatorCli([], quiet), 2);
    assert.equal(await runEmulatorCli(['--cert', '/nonexistent.pem'], quiet), 2);
    assert.equal(await runEmulatorCli(['--cert', path.join(root, 'tests/fixtures/kcp/splCert.pem'), '--seed', 'oops'], quiet), 2);
    assert.equal(await runEmulatorCli(['--bogus'], quiet), 2);
    assert.equal(await runEmulatorCli(['emulator', '--help'], quiet), 0);
  });
});
