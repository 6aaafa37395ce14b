// examples/cloudflare-worker under `wrangler dev` (wrangler's own workerd), its secrets in a
// .dev.vars written the two ways its README shows (a PEM on one line with \n escapes, and one
// over several lines in double quotes), refunding against the emulator on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createKcpEmulator } from 'kcp-wasm/testing';
import { KCP, freePort, installExample, startServer } from './support.mjs';

const TNO = '20261130000011';
let emulator;
let server;
let url;

before(async () => {
  emulator = createKcpEmulator({
    merchants: [{ siteCd: KCP.siteCd, certificate: KCP.cert }],
    transactions: [{ tno: TNO, amount: 30000 }],
  });
  const { url: baseUrl } = await emulator.listen();
  const dir = installExample('cloudflare-worker');
  const oneLine = (pem) => pem.replace(/\r?\n/g, '\\n');
  fs.writeFileSync(
    path.join(dir, '.dev.vars'),
    `KCP_CERT="${oneLine(KCP.cert)}"\nKCP_KEY="${KCP.key}"\nKCP_KEY_PASSWORD="${KCP.password}"\nKCP_BASE_URL=${baseUrl}\n`,
  );
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = await startServer({
    command: path.join(dir, 'node_modules/.bin/wrangler'),
    args: ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false'],
    cwd: dir,
    env: { WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' },
    ready: async () => (await fetch(`${url}/`)).status === 404,
    timeoutMs: 90_000,
  });
});

after(async () => {
  await server?.stop();
  await emulator?.close();
});

async function refund(body) {
  const r = await fetch(`${url}/refund`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, text, body: JSON.parse(text) };
}

test('wrangler dev: two partial refunds through one lazily built client, then a stale one refused', async () => {
  const first = await refund({ tno: TNO, amount: 5000, remaining: 30000 });
  assert.equal(first.status, 200, `${first.text}\n${server.logs()}`);
  assert.equal(first.body.resCd, '0000');
  assert.equal(Number(first.body.remaining), 25000);
  const second = await refund({ tno: TNO, amount: 7000, remaining: 25000 });
  assert.equal(second.status, 200, second.text);
  assert.equal(Number(second.body.remaining), 18000);
  const stale = await refund({ tno: TNO, amount: 7000, remaining: 25000 });
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.body.error.code, 'KCP_REJECTED');
  const ledger = emulator.ledger(TNO);
  assert.equal(ledger.remaining, 18000);
  assert.equal(ledger.partialSequence, 2);
  assert.match(server.logs(), /Using secrets defined in \.dev\.vars/);
});
