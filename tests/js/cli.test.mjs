// The `kcp-wasm` command, as installed in node_modules/.bin.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { KCP, root, manifest, fixturesDir, opensslSign } from './helpers.mjs';

const CLI = path.join(root, 'node_modules/.bin/kcp-wasm');
const TNO = '21234567890123';
const withPassword = { KCP_KEY_PASSWORD: KCP.password };
const merchant = ['--site-cd', 'T0000', '--cert', KCP.certPath, '--key', KCP.keyPath];

function cli(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const env = { ...process.env, ...extraEnv };
    if (!('KCP_KEY_PASSWORD' in extraEnv)) delete env.KCP_KEY_PASSWORD;
    const child = spawn(CLI, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('no command: usage, exit 2', async () => {
  const r = await cli([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: kcp-wasm/);
});

test('a password on the command line is refused', async () => {
  const r = await cli(['sign', '--key', KCP.keyPath, '--password', 'changeit', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not accepted on the command line/);
});

test('sign with KCP_KEY_PASSWORD prints OpenSSL\'s signature', async () => {
  const plaintext = `T0000^${TNO}^STSC`;
  const r = await cli(['sign', '--key', KCP.keyPath, plaintext], withPassword);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), opensslSign(KCP.keyPath, KCP.password, plaintext));
});

test('sign with --password-file', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'test-results/cli-'));
  const file = path.join(dir, 'password.txt');
  fs.writeFileSync(file, `${KCP.password}\n`, { mode: 0o600 });
  const r = await cli(['sign', '--key', KCP.keyPath, '--password-file', file, '--plaintext', 'T0000^1^PACA']);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), opensslSign(KCP.keyPath, KCP.password, 'T0000^1^PACA'));
});

test('an encrypted key with no password source and no terminal: exit 2, says how', async () => {
  const r = await cli(['sign', '--key', KCP.keyPath, 'x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /KCP_KEY_PASSWORD/);
});

test('a wrong password: exit 1 with the code, the password never printed', async () => {
  const r = await cli(['sign', '--key', KCP.keyPath, 'x'], { KCP_KEY_PASSWORD: 'wrong-pw-123' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error KEY_PASSWORD_INCORRECT/);
  assert.doesNotMatch(r.stderr + r.stdout, /wrong-pw-123/);
});

test('cert-info: kcp_cert_info, subject, expiry, pair check', async () => {
  const want = manifest().certs['kcp/splCert.pem'];
  const r = await cli(['cert-info', '--cert', KCP.certPath, '--key', KCP.keyPath, '--json'], withPassword);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.kcpCertInfo, want.kcp_cert_info);
  assert.equal(info.notAfter, want.not_after);
  assert.equal(info.keyMatches, true);
  const text = await cli(['cert-info', '--cert', path.join(fixturesDir, manifest().mismatch_cert), '--key', KCP.keyPath], withPassword);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /key is its pair: NO/);
  assert.match(text.stdout, /subject: /);
});

test('cert-info says that an expired certificate has expired, and how long ago', async () => {
  // KCP's public test certificate expired on 2026-06-28.
  const r = await cli(['cert-info', '--cert', KCP.certPath]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse((await cli(['cert-info', '--cert', KCP.certPath, '--json'])).stdout);
  assert.equal(json.notAfterUnix, Date.parse(json.notAfter) / 1000);
  const expired = json.notAfterUnix * 1000 <= Date.now();
  assert.equal(json.expired, expired);
  if (expired) {
    const days = Math.floor((Date.now() - json.notAfterUnix * 1000) / 86_400_000);
    assert.match(r.stdout, new RegExp(`not after: +${json.notAfter} \\(EXPIRED (${days}|${days + 1}) days? ago\\)`));
  }
  const { expiryNote } = await import(path.join(root, 'pkg/src/cli.js'));
  const notAfter = Date.parse('2026-06-28T04:41:00Z') / 1000;
  assert.equal(expiryNote(notAfter, Date.parse('2026-11-30T00:00:00Z')), ' (EXPIRED 154 days ago)');
  assert.equal(expiryNote(notAfter, Date.parse('2026-06-28T05:00:00Z')), ' (EXPIRED today)');
  assert.equal(expiryNote(notAfter, Date.parse('2026-06-18T04:41:00Z')), ' (expires in 10 days)');
  assert.equal(expiryNote(notAfter, Date.parse('2025-01-01T00:00:00Z')), '');
});

describe('cancel, refund, inquire --dry-run print the signed request', () => {
  test('cancel (staging by default)', async () => {
    const r = await cli(['cancel', ...merchant, '--tno', TNO, '--reason', '테스트', '--dry-run'], withPassword);
    assert.equal(r.code, 0, r.stderr);
    const req = JSON.parse(r.stdout);
    assert.equal(req.url, 'https://stg-spl.kcp.co.kr/gw/mod/v1/cancel');
    assert.equal(req.method, 'POST');
    assert.equal(req.body.mod_type, 'STSC');
    assert.equal(req.body.mod_desc, '테스트');
    assert.equal(req.body.kcp_sign_data, opensslSign(KCP.keyPath, KCP.password, `T0000^${TNO}^STSC`));
  });
  test('refund --env production', async () => {
    const r = await cli(['refund', ...merchant, '--tno', TNO, '--amount', '1000', '--remaining', '3000', '--env', 'production', '--dry-run'], withPassword);
    assert.equal(r.code, 0, r.stderr);
    const req = JSON.parse(r.stdout);
    assert.equal(req.url, 'https://spl.kcp.co.kr/gw/mod/v1/cancel');
    assert.equal(req.body.mod_mny, '1000');
    assert.equal(req.body.rem_mny, '3000');
  });
  test('inquire --base-url', async () => {
    const r = await cli(['inquire', ...merchant, '--tno', TNO, '--pay-type', 'PACA', '--base-url', 'http://127.0.0.1:9/kcp', '--dry-run'], withPassword);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).url, 'http://127.0.0.1:9/kcp/std/inquery');
  });
  test('a bad field: exit 1 with FIELD_INVALID', async () => {
    const r = await cli(['refund', ...merchant, '--tno', TNO, '--amount', '5000', '--remaining', '3000', '--dry-run'], withPassword);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error FIELD_INVALID/);
  });
});

describe('delete-billing-key and register-trade', () => {
  test('delete-billing-key --dry-run: the hub body, unsigned', async () => {
    const r = await cli(['delete-billing-key', ...merchant, '--batch-key', '2304051168518034', '--group-id', 'BA0011000348', '--dry-run'], withPassword);
    assert.equal(r.code, 0, r.stderr);
    const req = JSON.parse(r.stdout);
    assert.equal(req.url, 'https://stg-spl.kcp.co.kr/gw/hub/v1/payment');
    assert.deepEqual(
      [req.body.batch_key, req.body.group_id, req.body.pay_method, req.body.tx_type, req.body.kcp_sign_data, req.plaintext],
      ['2304051168518034', 'BA0011000348', 'BATCH', '10005010', undefined, ''],
    );
  });
  test('register-trade --dry-run', async () => {
    const r = await cli(
      ['register-trade', ...merchant, '--order-id', 'M-1', '--amount', '1004', '--good-name', '운동화', '--pay-method', 'CARD', '--return-url', 'https://shop.example/r', '--escrow', '--dry-run'],
      withPassword,
    );
    assert.equal(r.code, 0, r.stderr);
    const req = JSON.parse(r.stdout);
    assert.equal(req.url, 'https://stg-spl.kcp.co.kr/std/tradeReg/register');
    assert.deepEqual(
      [req.body.ordr_idxx, req.body.good_mny, req.body.good_name, req.body.pay_method, req.body.Ret_URL, req.body.escw_used, req.body.user_agent],
      ['M-1', '1004', '운동화', 'CARD', 'https://shop.example/r', 'Y', ''],
    );
  });
  test('a missing option: exit 2; a bad one: exit 1 with its wire name', async () => {
    const missing = await cli(['delete-billing-key', ...merchant, '--batch-key', '1', '--dry-run'], withPassword);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--group-id/);
    const bad = await cli(
      ['register-trade', ...merchant, '--order-id', 'M-1', '--amount', '1', '--good-name', 'g', '--pay-method', 'PAYPAL', '--return-url', 'https://x', '--dry-run'],
      withPassword,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /error FIELD_INVALID/);
    assert.match(bad.stderr, /field: pay_method/);
  });
  test('sent over HTTP: the results are printed', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.end(
          req.url === '/std/tradeReg/register'
            ? JSON.stringify({ Code: '0000', Message: '정상', approvalKey: 'AK1', PayUrl: 'https://testsmpay.kcp.co.kr/pay/mobileGW.kcp', traceNo: 'T1' })
            : JSON.stringify({ res_cd: '0000', res_msg: '정상처리' }),
        ),
      );
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      const del = await cli(['delete-billing-key', ...merchant, '--batch-key', '1', '--group-id', 'G1', '--base-url', base], withPassword);
      assert.equal(del.code, 0, del.stderr);
      assert.equal(JSON.parse(del.stdout).resMsg, '정상처리');
      const reg = await cli(
        ['register-trade', ...merchant, '--order-id', 'M-1', '--amount', '1', '--good-name', 'g', '--pay-method', 'CARD', '--return-url', 'https://x', '--base-url', base],
        withPassword,
      );
      assert.equal(reg.code, 0, reg.stderr);
      assert.deepEqual([JSON.parse(reg.stdout).approvalKey, JSON.parse(reg.stdout).payUrl], ['AK1', 'https://testsmpay.kcp.co.kr/pay/mobileGW.kcp']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('sending over HTTP', () => {
  let server;
  let base;
  const seen = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ url: req.url, body: JSON.parse(body) });
        const tno = seen.at(-1).body.tno;
        if (tno === '29999999999999') return; // never answers
        res.setHeader('content-type', 'text/plain');
        if (tno === '28888888888888') return res.end(JSON.stringify({ res_cd: '8133', res_msg: '거절', res_en_msg: 'refused' }));
        res.end(JSON.stringify({ res_cd: '0000', res_msg: '정상', tno, canc_time: '20261127120000' }));
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('cancel prints the result', async () => {
    const r = await cli(['cancel', ...merchant, '--tno', TNO, '--base-url', base], withPassword);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resCd, '0000');
    assert.equal(seen.at(-1).url, '/gw/mod/v1/cancel');
  });
  test('a refusal: exit 1, code and res_cd on stderr', async () => {
    const r = await cli(['cancel', ...merchant, '--tno', '28888888888888', '--base-url', base], withPassword);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error KCP_REJECTED/);
    assert.match(r.stderr, /res_cd: 8133/);
  });
  test('no answer: exit 3, OUTCOME_UNKNOWN, sent once, tells to inquire', async () => {
    const before = seen.length;
    const r = await cli(['refund', ...merchant, '--tno', '29999999999999', '--amount', '1', '--remaining', '2', '--base-url', base, '--timeout-ms', '300'], withPassword);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /error OUTCOME_UNKNOWN/);
    assert.match(r.stderr, /kcp-wasm inquire --tno 29999999999999/);
    assert.doesNotMatch(r.stderr, /client\.inquire/);
    assert.equal(seen.length, before + 1);
  });
});

test('a refused connection: exit 1, NETWORK_ERROR, says nothing was sent', async () => {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const r = await cli(['cancel', ...merchant, '--tno', TNO, '--base-url', `http://127.0.0.1:${port}`], withPassword);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /error NETWORK_ERROR: the cancel request never reached KCP \(connection refused\)/);
});

const hasScript = fs.existsSync('/usr/bin/script');
test('on a terminal, the password is prompted for and not echoed', { skip: !hasScript && 'util-linux `script` (a pseudo-terminal) is not installed' }, async () => {
  const plaintext = 'T0000^1^STSC';
  const env = { ...process.env };
  delete env.KCP_KEY_PASSWORD;
  const child = spawn('/usr/bin/script', ['-qec', `${CLI} sign --key ${KCP.keyPath} '${plaintext}'`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
    if (output.includes('password: ') && !child.stdin.writableEnded) child.stdin.end(`${KCP.password}\r`);
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /Private key password: /);
  assert.doesNotMatch(output, new RegExp(KCP.password));
  assert.ok(output.includes(opensslSign(KCP.keyPath, KCP.password, plaintext)), output);
});
