// The emulator with the client in Deno and Bun (from npm), each through its own export condition,
// including listen() over their node:http compatibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPECTED } from '../lifecycle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const kcpDir = ['tests/fixtures/kcp', '../shared/kcp-public-test'].map((d) => path.join(root, d)).find((d) => fs.existsSync(path.join(d, 'splCert.pem')));
const credentials = [path.join(kcpDir, 'splCert.pem'), path.join(kcpDir, 'splPrikeyPKCS8.pem'), 'changeit'];

function run(command, extra, script = 'emulator-check.mjs') {
  const out = execFileSync(path.join(root, 'node_modules/.bin', command), [...extra, path.join(here, script), ...credentials], {
    cwd: root, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

for (const [runtime, extra] of [['deno', ['run', '--allow-read', '--allow-net=127.0.0.1', '--allow-env']], ['bun', []]]) {
  test(`${runtime}: client → emulator, injected fetch and loopback HTTP`, () => {
    assert.deepEqual(run(runtime, extra), { runtimeEntry: runtime, remaining: 25000, stale: 'KCP_REJECTED E302', lost: 'OUTCOME_UNKNOWN', inquiryRemaining: '24000' });
  });
}

// Issue 15's lifecycle (../lifecycle.mjs), in process: Deno needs no permission but reading the
// test pair (no network: the notification reaches the handler through an injected fetch).
for (const [runtime, extra] of [['deno', ['run', `--allow-read=${kcpDir}`]], ['bun', []]]) {
  test(`${runtime}: the lifecycle (approval, billing key, virtual account and notification, key-in, trade registration)`, () => {
    const { runtimeEntry, summary } = run(runtime, extra, 'lifecycle-check.mjs');
    assert.equal(runtimeEntry, runtime);
    assert.deepEqual(summary, EXPECTED);
  });
}
