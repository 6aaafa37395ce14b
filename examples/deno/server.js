// POST /refund { tno, amount, remaining } → a KCP partial refund (STPC), with Deno.serve.
// kcp-wasm comes from package.json (`npm install`); without it, import from 'npm:kcp-wasm'.
import { KcpClient, KcpError } from 'kcp-wasm';

// One client for the life of the process, built at start-up: it decrypts the key once, and a
// wrong password or a key that is not the certificate's pair stops the server here.
const kcp = new KcpClient({
  siteCd: Deno.env.get('KCP_SITE_CD'),
  certificate: await Deno.readTextFile(Deno.env.get('KCP_CERT_FILE')), // KCP_AUTH_<site_cd>_CERT.pem
  privateKey: await Deno.readTextFile(Deno.env.get('KCP_KEY_FILE')), // KCP_AUTH_<site_cd>_PRIKEY.pem
  password: Deno.env.get('KCP_KEY_PASSWORD'),
  environment: Deno.env.get('KCP_ENVIRONMENT') || undefined, // 'staging' (default) or 'production'
  baseUrl: Deno.env.get('KCP_BASE_URL') || undefined, // elsewhere than KCP (e.g. the emulator); usually unset
});

Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 3000) }, async (request) => {
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
});
