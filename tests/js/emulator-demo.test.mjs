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
  assert.match(stdout, /demo: 8\/8 steps as expected/);
});
