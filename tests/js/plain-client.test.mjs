// A merchant backend written without kcp-wasm (tests/plain-client/client.py: Python's standard
// library and the openssl command) drives the emulator CLI, started as a process the way a
// merchant's CI in another language would start it: window → approval → cancel, billing key →
// charge → delete, virtual account → deposit → notification to the script's own URL, refused
// once and acknowledged on the re-delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { root, startEmulatorCli } from './helpers.mjs';
import { freePort } from '../support/workerd.mjs';

const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = !has('python3', ['--version']) ? 'python3 is not installed' : !has('openssl', ['version']) ? 'the openssl command is not installed' : false;

test('a Python client with OpenSSL drives the emulator CLI through the whole lifecycle', { skip: missing, timeout: 60_000 }, async () => {
  const cert = path.join(root, 'tests/fixtures/kcp/splCert.pem');
  const key = path.join(root, 'tests/fixtures/kcp/splPrikeyPKCS8.pem');
  const notifyPort = await freePort();
  const emu = await startEmulatorCli([
    '--port', '0', '--cert', cert,
    '--notify-url', `http://127.0.0.1:${notifyPort}/kcp/notify`, '--notify-interval-ms', '100', '--notify-attempts', '4',
  ]);
  const { url } = emu;
  let exitCode;
  try {
    const run = await new Promise((resolve) => {
      const py = spawn('python3', [path.join(root, 'tests/plain-client/client.py'), '--base-url', url, '--cert', cert, '--key', key, '--notify-port', String(notifyPort)], {
        env: { ...process.env, KCP_KEY_PASSWORD: 'changeit', PYTHONIOENCODING: 'utf-8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      py.stdout.on('data', (d) => (stdout += d));
      py.stderr.on('data', (d) => (stderr += d));
      py.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, `client.py failed:\n${run.stdout}\n${run.stderr}\n--- emulator:\n${emu.log()}`);
    assert.match(run.stdout, /\[1\] card/);
    assert.match(run.stdout, /cancelled: mod_mny 15000, canc_yn Y/);
    assert.match(run.stdout, /the same enc_data again: refused, res_cd E311/);
    assert.match(run.stdout, /a charge after deletion: refused, res_cd E321/);
    assert.match(run.stdout, /received TX00 noti_id \S+ twice: refused \(9999\), then acknowledged \(0000\)/);
    assert.match(run.stdout, /all steps as expected/);
    // The emulator's side of the same story.
    const log = emu.log();
    assert.match(log, /POST \/gw\/mod\/v1\/cancel tno=\d{14} STSC → res_cd 0000/);
    assert.match(log, /notify TX00 tno=\d{14} .* attempt 1: HTTP 200, not acknowledged/);
    assert.match(log, /notify TX00 tno=\d{14} .* attempt 2: HTTP 200, acknowledged/);
    assert.doesNotMatch(log, /attempt 3/);
  } finally {
    exitCode = await emu.stop();
  }
  assert.equal(exitCode, 0);
});
