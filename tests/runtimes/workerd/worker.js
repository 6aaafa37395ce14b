// A Cloudflare Worker that imports kcp-wasm through its `workerd` condition (bundled the way
// wrangler does: esbuild with the workerd condition, the .wasm kept as a module).
// POST a refund {tno, amount, remaining, reason}: answers the signed request body KCP would get.
import { KcpClient, runtimeEntry } from 'kcp-wasm';

export default {
  async fetch(request, env) {
    if (request.method === 'GET') return Response.json({ runtimeEntry });
    // Nothing at module scope: the key is decrypted and used inside the request.
    let client;
    try {
      client = new KcpClient({
        siteCd: 'T0000',
        certificate: env.KCP_CERT,
        privateKey: env.KCP_KEY,
        password: env.KCP_KEY_PASSWORD,
        environment: 'staging',
      });
      const input = await request.json();
      const prepared = client.prepareRefund(input);
      return Response.json({ runtimeEntry, url: prepared.url, plaintext: prepared.plaintext, body: JSON.parse(prepared.body) });
    } catch (e) {
      return Response.json({ runtimeEntry, error: { code: e.code, message: e.message } }, { status: 500 });
    } finally {
      client?.free();
    }
  },
};
