// Run by tests/js/node-matrix.test.mjs under each Node version `engines` claims: the package
// loads, a client signs a cancel and a refund, and the emulator (kcp-wasm/testing) accepts them.
// Prints one JSON line; any failure exits non-zero.
import { readFileSync } from 'node:fs';
import { KcpClient, runtimeEntry } from 'kcp-wasm';
import { createKcpEmulator } from 'kcp-wasm/testing';

const [certPath, keyPath] = process.argv.slice(2);
const certificate = readFileSync(certPath, 'utf8');
const kcp = createKcpEmulator({
  merchants: [{ siteCd: 'T0000', certificate }],
  transactions: [
    { tno: '20261127000001', amount: 10000 },
    { tno: '20261127000002', amount: 30000 },
  ],
});
const client = new KcpClient({
  siteCd: 'T0000',
  certificate,
  privateKey: readFileSync(keyPath, 'utf8'),
  password: 'changeit',
  fetch: kcp.fetch,
});
const cancel = await client.cancel({ tno: '20261127000001' });
const refund = await client.refund({ tno: '20261127000002', amount: 3000, remaining: 30000 });
client.free();
console.log(
  JSON.stringify({
    node: process.version,
    runtimeEntry,
    cancel: cancel.resCd,
    refundRemaining: refund.remaining,
    ledger: kcp.ledger('20261127000001')?.state,
  }),
);
