// POST /refund { tno, amount, remaining } → a KCP partial refund (STPC).
import { KcpClient, KcpError } from 'kcp-wasm';

// One client per isolate, built at the first request: building it decrypts the private key
// (tens of milliseconds), which the isolate then reuses for every request it serves. Not at module
// scope: the secrets only arrive with `env`, and Workers forbid randomness (which signing uses)
// outside a request.
let client;

function kcp(env) {
  client ??= new KcpClient({
    siteCd: env.KCP_SITE_CD,
    certificate: env.KCP_CERT, // wrangler secret put KCP_CERT < KCP_AUTH_T0000_CERT.pem
    privateKey: env.KCP_KEY, // wrangler secret put KCP_KEY < KCP_AUTH_T0000_PRIKEY.pem
    password: env.KCP_KEY_PASSWORD, // wrangler secret put KCP_KEY_PASSWORD
    environment: env.KCP_ENVIRONMENT, // 'staging' or 'production'
    baseUrl: env.KCP_BASE_URL || undefined, // elsewhere than KCP (e.g. the emulator); usually unset
  });
  return client;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method !== 'POST' || pathname !== '/refund') {
      return new Response('POST /refund { tno, amount, remaining }\n', { status: 404 });
    }
    const { tno, amount, remaining } = await request.json();
    try {
      // Never retried: on OUTCOME_UNKNOWN, inquire (kcp(env).inquire) before anything else.
      return Response.json(await kcp(env).refund({ tno, amount, remaining }));
    } catch (error) {
      if (!(error instanceof KcpError)) throw error;
      const status = error.code === 'OUTCOME_UNKNOWN' ? 504 : error.code === 'KCP_REJECTED' ? 409 : 502;
      return Response.json({ error: { code: error.code, message: error.message, resCd: error.resCd } }, { status });
    }
  },
};
