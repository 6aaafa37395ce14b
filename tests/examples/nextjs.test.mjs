// examples/nextjs: `next build` (Turbopack, Next.js's default) and `next start`, then partial
// refunds through each of its two route handlers, the Node.js runtime one and the edge runtime
// one, against the emulator on loopback; then the same under `next dev`. kcp-wasm is installed
// from the packed tarball, with no `serverExternalPackages` in next.config.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createKcpEmulator } from 'kcp-wasm/testing';
import { KCP, freePort, installExample, kcpEnv, run, startServer } from './support.mjs';

let emulator;
let server;
let url;
let dir;
let env;

before(async () => {
  emulator = createKcpEmulator({
    merchants: [{ siteCd: KCP.siteCd, certificate: KCP.cert }],
    transactions: [
      { tno: '20261130000001', amount: 30000 },
      { tno: '20261130000002', amount: 50000 },
      { tno: '20261130000003', amount: 10000 },
    ],
  });
  const { url: baseUrl } = await emulator.listen();
  dir = installExample('nextjs');
  const next = path.join(dir, 'node_modules/.bin/next');
  env = { ...kcpEnv(baseUrl), NEXT_TELEMETRY_DISABLED: '1' };
  await run(next, ['build'], { cwd: dir, env });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = await startServer({
    command: next,
    args: ['start', '-p', String(port), '-H', '127.0.0.1'],
    cwd: dir,
    env,
    ready: async () => (await fetch(url)).ok,
  });
});

after(async () => {
  await server?.stop();
  await emulator?.close();
});

async function refund(route, body, base = url) {
  const r = await fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text), text };
}

test('Node.js runtime route: a partial refund against the emulator', async () => {
  const r = await refund('/api/node/refund', { tno: '20261130000001', amount: 5000, remaining: 30000 });
  assert.equal(r.status, 200, `${r.text}\n${server.logs()}`);
  assert.equal(r.body.runtime, 'nodejs');
  assert.equal(r.body.entry, 'node');
  assert.equal(r.body.result.resCd, '0000');
  assert.equal(Number(r.body.result.remaining), 25000);
  assert.equal(emulator.ledger('20261130000001').remaining, 25000);
  // The same request again: the balance it names is stale, KCP (here the emulator) refuses it.
  const again = await refund('/api/node/refund', { tno: '20261130000001', amount: 5000, remaining: 30000 });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.body.error.code, 'KCP_REJECTED');
  assert.equal(emulator.ledger('20261130000001').remaining, 25000);
});

test('edge runtime route: a partial refund against the emulator', async () => {
  const r = await refund('/api/edge/refund', { tno: '20261130000002', amount: 7000, remaining: 50000 });
  assert.equal(r.status, 200, `${r.text}\n${server.logs()}`);
  assert.equal(r.body.runtime, 'edge');
  assert.equal(r.body.entry, 'edge-light');
  assert.equal(r.body.result.resCd, '0000');
  assert.equal(Number(r.body.result.remaining), 43000);
  assert.equal(emulator.ledger('20261130000002').remaining, 43000);
  const second = await refund('/api/edge/refund', { tno: '20261130000002', amount: 3000, remaining: 43000 });
  assert.equal(second.status, 200, second.text);
  assert.equal(Number(second.body.result.remaining), 40000);
  assert.equal(emulator.ledger('20261130000002').partialSequence, 2);
});

test('next dev: both routes load kcp-wasm and refund', async () => {
  const port = await freePort();
  const devUrl = `http://127.0.0.1:${port}`;
  const dev = await startServer({
    command: path.join(dir, 'node_modules/.bin/next'),
    args: ['dev', '-p', String(port), '-H', '127.0.0.1'],
    cwd: dir,
    env,
    ready: async () => (await fetch(`${devUrl}/api/node/refund`)).status === 405,
  });
  try {
    const node = await refund('/api/node/refund', { tno: '20261130000003', amount: 1000, remaining: 10000 }, devUrl);
    assert.equal(node.status, 200, `${node.text}\n${dev.logs()}`);
    assert.deepEqual([node.body.entry, Number(node.body.result.remaining)], ['node', 9000]);
    const edge = await refund('/api/edge/refund', { tno: '20261130000003', amount: 2000, remaining: 9000 }, devUrl);
    assert.equal(edge.status, 200, `${edge.text}\n${dev.logs()}`);
    assert.deepEqual([edge.body.entry, Number(edge.body.result.remaining)], ['edge-light', 7000]);
    assert.equal(emulator.ledger('20261130000003').remaining, 7000);
  } finally {
    await dev.stop();
  }
});
