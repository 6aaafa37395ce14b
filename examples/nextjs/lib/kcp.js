// One KcpClient per server process (or edge isolate), built at the first request that needs it:
// building it decrypts the private key (tens of milliseconds), so do it once, not per request.
import { KcpClient, KcpError, runtimeEntry } from 'kcp-wasm';

let client;

export function kcp() {
  client ??= new KcpClient({
    siteCd: process.env.KCP_SITE_CD,
    certificate: process.env.KCP_CERT, // the PEM text of KCP_AUTH_<site_cd>_CERT.pem
    privateKey: process.env.KCP_KEY, // the PEM text of KCP_AUTH_<site_cd>_PRIKEY.pem
    password: process.env.KCP_KEY_PASSWORD,
    // 'staging' (the default) or 'production'; KCP_BASE_URL sends elsewhere (the emulator in tests).
    environment: process.env.KCP_ENVIRONMENT || undefined,
    baseUrl: process.env.KCP_BASE_URL || undefined,
  });
  return client;
}

// POST { tno, amount, remaining } → KCP partial refund (STPC). Never retried: on OUTCOME_UNKNOWN,
// inquire before doing anything else.
export async function refund(request, runtime) {
  const { tno, amount, remaining } = await request.json();
  try {
    const result = await kcp().refund({ tno, amount, remaining });
    // `entry`: which of kcp-wasm's entries this runtime loaded (node, edge-light).
    return Response.json({ runtime, entry: runtimeEntry, result });
  } catch (error) {
    if (!(error instanceof KcpError)) throw error;
    const status = error.code === 'OUTCOME_UNKNOWN' ? 504 : error.code === 'KCP_REJECTED' ? 409 : 502;
    return Response.json({ runtime, error: { code: error.code, message: error.message, resCd: error.resCd } }, { status });
  }
}
