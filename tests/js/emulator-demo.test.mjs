// `make demo` end to end: runs scripts/demo.mjs (the emulator on loopback, the package used as a
// merchant would) and checks each step's printed outcome, not just the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('scripts/demo.mjs prints every step with its expected outcome and exits 0', async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, ['scripts/demo.mjs'], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }));
  });
  assert.equal(code, 0, `demo exited ${code}\n${stdout}\n${stderr}`);

  // Split the output into steps: "[n] title" up to the next step.
  const steps = stdout.split(/\n(?=\[\d+\] )/).filter((s) => /^\[\d+\] /.test(s));
  const expected = [
    [/Full cancel/, /✓ as expected · result: res_cd 0000 .*mod_mny 50000 · rem_mny 0/],
    [/Partial refund of 5000/, /✓ as expected · result: res_cd 0000 .*rem_mny 25000 · mod_pacn_seq_no 1/],
    [/Second partial refund of 7000/, /✓ as expected · result: res_cd 0000 .*rem_mny 18000 · mod_pacn_seq_no 2/],
    [/Over-refund/, /✓ as expected · error: (FIELD_INVALID|KCP_REJECTED res_cd E303)/],
    [/Stale retry/, /✓ as expected · error: KCP_REJECTED res_cd E302/],
    [/Inquiry of tno/, /✓ as expected · result: res_cd 0000 .*rem_mny 18000/],
    [/reply never arrives/, /✓ as expected · error: OUTCOME_UNKNOWN \(timeout\)/],
    [/Settle it with an inquiry/, /✓ as expected · result: rem_mny 15000 \(was 18000\)/],
    // the rest of a merchant server (issue 15)
    [/Approval with a tampered amount/, /✓ as expected · error: KCP_REJECTED res_cd 8059/],
    [/Approval of the card checkout/, /✓ as expected · result: tno \d{14} · card .*amount 15000/],
    [/Partial refund of 5000 from the new tno/, /✓ as expected · result: res_cd 0000 .*rem_mny 10000/],
    [/Full cancel of what remains/, /✓ as expected · result: res_cd 0000 .*mod_mny 10000 · rem_mny 0/],
    [/database fails: approveAndRecord/, /✓ as expected · error: APPROVAL_CANCELLED · tno \d{14} cancelled \(rem_mny 0\)/],
    [/Billing key issued/, /✓ as expected · result: batch_key \d{4}…\d{4}/],
    [/Charge 1 of the billing key/, /✓ as expected · result: tno \d{14} · amount 9900/],
    [/Charge 2 of the billing key/, /✓ as expected · result: tno \d{14} · amount 9900/],
    [/Billing key deleted/, /✓ as expected · result: res_cd 0000/],
    [/charge with the deleted key/, /✓ as expected · error: KCP_REJECTED res_cd E321/],
    [/Virtual account issued/, /✓ as expected · result: tno \d{14} · .+ \d+ \(예제상점\)/],
    [/deposits 45000/, /✓ as expected · result: delivery 1: HTTP 500, refused · delivery 2: HTTP 200, acknowledged \(result 0000\) · virtualAccountDeposit 45000 won/],
  ];
  assert.equal(steps.length, expected.length, stdout);
  for (const [i, [title, outcome]] of expected.entries()) {
    assert.match(steps[i], title, `step ${i + 1}`);
    assert.match(steps[i], outcome, `step ${i + 1}:\n${steps[i]}`);
  }
  // requests are shown with the signature shortened, never whole
  assert.match(stdout, /kcp_sign_data=[A-Za-z0-9+/]{8}…[A-Za-z0-9+/=]{6} \(344 chars\)/);
  assert.doesNotMatch(stdout, /kcp_sign_data=[A-Za-z0-9+/]{40}/);
  assert.match(stdout, /emulator stopped/);
  // approvals and hub calls carry no signature, and say so; a billing key is never shown whole
  assert.match(stdout, /\(no kcp_sign_data: KCP authenticates this call by the certificate alone\)/);
  assert.doesNotMatch(stdout, /batch_key=\d{16}/);
  assert.match(stdout, /demo: 20\/20 steps as expected/);
});

test('scripts/demo.mjs --staging runs its flow against any KCP-speaking server (here the emulator)', async () => {
  const { createKcpEmulator } = await import('kcp-wasm/testing');
  const fs = await import('node:fs');
  const certFile = path.join(root, 'tests/fixtures/kcp/splCert.pem');
  const emulator = createKcpEmulator({
    merchants: [{ siteCd: 'T0000', certificate: fs.readFileSync(certFile, 'utf8') }],
    transactions: [{ tno: '20261127000101', amount: 10000 }, { tno: '20261127000102', amount: 8000 }],
  });
  const { url } = await emulator.listen({ port: 0 });
  try {
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(process.execPath, ['scripts/demo.mjs', '--staging'], {
        cwd: root,
        timeout: 60_000,
        env: {
          ...process.env, NO_COLOR: '1', KCP_BASE_URL: url, KCP_SITE_CD: 'T0000', KCP_CERT_FILE: certFile,
          KCP_KEY_FILE: path.join(root, 'tests/fixtures/kcp/splPrikeyPKCS8.pem'), KCP_KEY_PASSWORD: 'changeit',
          KCP_CANCEL_TNO: '20261127000101', KCP_REFUND_TNO: '20261127000102', KCP_REFUND_AMOUNT: '1500',
        },
      }, (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /demo: 6\/6 steps as expected/);
    assert.match(stdout, /Partial refund 2: 1500 of 6500/);
    assert.equal(emulator.ledger('20261127000101').state, 'cancelled');
    assert.equal(emulator.ledger('20261127000102').remaining, 5000);
  } finally {
    await emulator.close();
  }
});
