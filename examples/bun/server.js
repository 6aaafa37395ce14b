// POST /refund { tno, amount, remaining } → a KCP partial refund (STPC), with Bun.serve.
import { KcpClient, KcpError } from 'kcp-wasm';

// One client for the life of the process, built at start-up: it decrypts the key once, and a
// wrong password or a key that is not the certificate's pair stops the server here.
const kcp = new KcpClient({
  siteCd: Bun.env.KCP_SITE_CD,
  certificate: await Bun.file(Bun.env.KCP_CERT_FILE).text(), // KCP_AUTH_<site_cd>_CERT.pem
  privateKey: await Bun.file(Bun.env.KCP_KEY_FILE).text(), // KCP_AUTH_<site_cd>_PRIKEY.pem
  password: Bun.env.KCP_KEY_PASSWORD,
  environment: Bun.env.KCP_ENVIRONMENT || undefined, // 'staging' (default) or 'production'
  baseUrl: Bun.env.KCP_BASE_URL || undefined, // elsewhere than KCP (e.g. the emulator); usually unset
});

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT ?? 3000),
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method !== 'POST' || pathname !== '/refund') {
      return new Response('POST /refund { tno, amount, remaining }\n', { status: 404 });
    }
    const { tno, amount, remaining } = await request.json();
    try {
      // Never retried: on OUTCOME_UNKNOWN, inquire (kcp.inquire) before anything else.
      return Response.json(await kcp.refund({ tno, amount, remaining }));
    } catch (error) {
      if (!(error instanceof KcpError)) throw error;
      const status = error.code === 'OUTCOME_UNKNOWN' ? 504 : error.code === 'KCP_REJECTED' ? 409 : 502;
      return Response.json({ error: { code: error.code, message: error.message, resCd: error.resCd } }, { status });
    }
  },
});
console.log(`listening on ${server.url}`);
