// Run by deno-bun.test.mjs under Deno and Bun (and usable with node): the client against the
// emulator through injected fetch and over loopback HTTP, both imported by name.
// Usage: <runtime> emulator-check.mjs <cert.pem> <key.pem> <password>
import fs from 'node:fs';
import process from 'node:process';
import { KcpClient, runtimeEntry } from 'kcp-wasm';
import { createKcpEmulator } from 'kcp-wasm/testing';

const [certFile, keyFile, password] = process.argv.slice(2);
const certificate = fs.readFileSync(certFile, 'utf8');
const privateKey = fs.readFileSync(keyFile, 'utf8');
const TNO = '20261127000002';
const emulator = createKcpEmulator({ merchants: [{ siteCd: 'T0000', certificate }], transactions: [{ tno: TNO, amount: 30000 }] });
const client = new KcpClient({ siteCd: 'T0000', certificate, privateKey, password, fetch: emulator.fetch });
const refund = await client.refund({ tno: TNO, amount: 5000, remaining: 30000 });
const stale = await client.refund({ tno: TNO, amount: 5000, remaining: 30000 }).catch((e) => `${e.code} ${e.resCd}`);
emulator.inject({ type: 'apply-then-timeout' });
const lost = await client.refund({ tno: TNO, amount: 1000, remaining: 25000 }, { timeoutMs: 100 }).catch((e) => e.code);
const { url } = await emulator.listen({ port: 0 });
const overHttp = new KcpClient({ siteCd: 'T0000', certificate, privateKey, password, baseUrl: url });
const inquiry = await overHttp.inquire({ tno: TNO, payType: 'PACA' });
await emulator.close();
client.free();
overHttp.free();
console.log(JSON.stringify({ runtimeEntry, remaining: refund.remaining, stale, lost, inquiryRemaining: inquiry.raw.rem_mny }));
