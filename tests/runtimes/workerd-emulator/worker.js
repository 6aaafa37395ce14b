// A Cloudflare Worker that runs the client against the emulator, both from the package
// (`kcp-wasm` through its workerd condition, `kcp-wasm/testing` by name), with no network:
// the emulator's fetch is the client's fetch. GET / runs the flow and answers what happened;
// GET /lifecycle runs issue 15's lifecycle (../lifecycle.mjs) and answers its summary.
import { KcpClient, createNotificationHandler, runtimeEntry } from 'kcp-wasm';
import { createKcpEmulator } from 'kcp-wasm/testing';
import { lifecycle } from '../lifecycle.mjs';

const TNO = '20261127000002';

async function outcome(promise) {
  try {
    const r = await promise;
    return { ok: true, resCd: r.resCd, remaining: r.remaining, partialSequence: r.partialSequence, raw: r.raw };
  } catch (e) {
    return { ok: false, code: e.code, resCd: e.resCd, name: e.name };
  }
}

export default {
  async fetch(request, env) {
    // Everything inside the request: Workers forbid I/O, timers and randomness at module scope.
    if (new URL(request.url).pathname === '/lifecycle') {
      try {
        const summary = await lifecycle({
          KcpClient, createNotificationHandler, createKcpEmulator,
          certificate: env.KCP_CERT, privateKey: env.KCP_KEY, password: env.KCP_KEY_PASSWORD,
        });
        return Response.json({ runtimeEntry, summary });
      } catch (e) {
        return Response.json({ runtimeEntry, error: { name: e?.name, code: e?.code, message: String(e?.message ?? e), stack: String(e?.stack ?? '') } }, { status: 500 });
      }
    }
    const emulator = createKcpEmulator({
      merchants: [{ siteCd: 'T0000', certificate: env.KCP_CERT }],
      transactions: [
        { tno: '20261127000001', amount: 50000 },
        { tno: TNO, amount: 30000 },
      ],
    });
    const client = new KcpClient({
      siteCd: 'T0000',
      certificate: env.KCP_CERT,
      privateKey: env.KCP_KEY,
      password: env.KCP_KEY_PASSWORD,
      fetch: emulator.fetch,
      timeoutMs: 2000,
    });
    try {
      const steps = {};
      steps.cancel = await outcome(client.cancel({ tno: '20261127000001' }));
      steps.refund1 = await outcome(client.refund({ tno: TNO, amount: 5000, remaining: 30000 }));
      steps.refund2 = await outcome(client.refund({ tno: TNO, amount: 7000, remaining: 25000, reason: '부분 환불' }));
      steps.stale = await outcome(client.refund({ tno: TNO, amount: 7000, remaining: 25000 }));
      emulator.inject({ type: 'apply-then-timeout' });
      steps.lost = await outcome(client.refund({ tno: TNO, amount: 3000, remaining: 18000 }, { timeoutMs: 100 }));
      steps.inquiry = await outcome(client.inquire({ tno: TNO, payType: 'PACA' }));
      emulator.inject({ type: 'http-error', status: 503 });
      steps.http = await outcome(client.inquire({ tno: TNO, payType: 'PACA' }));
      return Response.json({ runtimeEntry, steps, ledger: emulator.ledger(TNO), requests: emulator.requests().length });
    } catch (e) {
      return Response.json({ runtimeEntry, error: { name: e?.name, code: e?.code, message: String(e?.message ?? e) } }, { status: 500 });
    } finally {
      client.free();
      await emulator.close();
    }
  },
};
