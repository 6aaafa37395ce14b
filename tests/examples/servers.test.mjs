// examples/node-server (Hono on Node.js), examples/bun (Bun.serve) and examples/deno (Deno.serve),
// each started as its README says, with KCP's public test pair, refunding against the emulator on
// loopback. Bun and Deno are the project's own (root devDependencies).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createKcpEmulator } from 'kcp-wasm/testing';
import { KCP, freePort, installExample, root, startServer } from './support.mjs';

const examples = [
  ['node-server', () => [process.execPath, ['server.js']]],
  ['bun', () => [path.join(root, 'node_modules/.bin/bun'), ['server.js']]],
  ['deno', () => [path.join(root, 'node_modules/.bin/deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'server.js']]],
];

const stops = [];
after(async () => {
  for (const stop of stops) await stop();
});

for (const [name, command] of examples) {
  test(`examples/${name}: two partial refunds, then a stale one refused`, async () => {
    const tno = '20261130000021';
    const emulator = createKcpEmulator({
      merchants: [{ siteCd: KCP.siteCd, certificate: KCP.cert }],
      transactions: [{ tno, amount: 30000 }],
    });
    stops.push(() => emulator.close());
    const { url: baseUrl } = await emulator.listen();
    const dir = installExample(name);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const [cmd, args] = command();
    const server = await startServer({
      command: cmd,
      args,
      cwd: dir,
      env: {
        PORT: String(port),
        KCP_SITE_CD: KCP.siteCd,
        KCP_CERT_FILE: KCP.certPath,
        KCP_KEY_FILE: KCP.keyPath,
        KCP_KEY_PASSWORD: KCP.password,
        KCP_BASE_URL: baseUrl,
        NO_COLOR: '1',
      },
      ready: async () => (await fetch(`${url}/refund`)).status === 404,
    });
    stops.push(server.stop);
    const refund = async (body) => {
      const r = await fetch(`${url}/refund`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, text, body: JSON.parse(text) };
    };
    const first = await refund({ tno, amount: 5000, remaining: 30000 });
    assert.equal(first.status, 200, `${first.text}\n${server.logs()}`);
    assert.equal(first.body.resCd, '0000');
    assert.equal(Number(first.body.remaining), 25000);
    const second = await refund({ tno, amount: 7000, remaining: 25000 });
    assert.equal(second.status, 200, second.text);
    assert.equal(Number(second.body.remaining), 18000);
    const stale = await refund({ tno, amount: 7000, remaining: 25000 });
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.body.error.code, 'KCP_REJECTED');
    assert.deepEqual([emulator.ledger(tno).remaining, emulator.ledger(tno).partialSequence], [18000, 2]);
  });
}
