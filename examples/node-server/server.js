// POST /refund { tno, amount, remaining } → a KCP partial refund (STPC), with Hono on Node.js.
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { KcpClient, KcpError } from 'kcp-wasm';

// One client for the life of the process, built at start-up: it decrypts the key once, and a
// wrong password or a key that is not the certificate's pair stops the server here, not at the
// first refund.
const kcp = new KcpClient({
  siteCd: process.env.KCP_SITE_CD,
  certificate: readFileSync(process.env.KCP_CERT_FILE, 'utf8'), // KCP_AUTH_<site_cd>_CERT.pem
  privateKey: readFileSync(process.env.KCP_KEY_FILE), // KCP_AUTH_<site_cd>_PRIKEY.pem
  password: process.env.KCP_KEY_PASSWORD,
  environment: process.env.KCP_ENVIRONMENT || undefined, // 'staging' (default) or 'production'
  baseUrl: process.env.KCP_BASE_URL || undefined, // elsewhere than KCP (e.g. the emulator); usually unset
});

const app = new Hono();

app.post('/refund', async (c) => {
  const { tno, amount, remaining } = await c.req.json();
  try {
    // Never retried: on OUTCOME_UNKNOWN, inquire (kcp.inquire) before anything else.
    return c.json(await kcp.refund({ tno, amount, remaining }));
  } catch (error) {
    if (!(error instanceof KcpError)) throw error;
    const status = error.code === 'OUTCOME_UNKNOWN' ? 504 : error.code === 'KCP_REJECTED' ? 409 : 502;
    return c.json({ error: { code: error.code, message: error.message, resCd: error.resCd } }, status);
  }
});

const port = Number(process.env.PORT ?? 3000);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
