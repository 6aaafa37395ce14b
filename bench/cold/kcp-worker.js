// The kcp-wasm Worker of the cold-start benchmark (bench/cold.mjs), as the docs' Workers pattern
// has it: the client is built at the first request that needs it (secrets arrive with the
// request; nothing runs at module scope) and kept for the isolate's life.
//   /ping: nothing (the isolate's first request, whatever it does)
//   /load: new KcpClient (decrypts KCP's key file, reads the certificate, pairs them)
//   /sign: prepareRefund (the signed refund body)
import { KcpClient } from 'kcp-wasm';

let client = null;
const REFUND = { tno: '21234567890123', amount: 1000, remaining: 5000, reason: '부분 취소' };

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const make = () =>
      new KcpClient({ siteCd: 'T0000', certificate: env.KCP_CERT, privateKey: env.KCP_KEY, password: env.KCP_KEY_PASSWORD, environment: 'staging' });
    if (pathname === '/load') {
      client = make();
      return new Response('loaded');
    }
    if (pathname === '/sign') {
      client ??= make();
      return new Response(client.prepareRefund(REFUND).body, { headers: { 'content-type': 'application/json' } });
    }
    return new Response('ok');
  },
};
