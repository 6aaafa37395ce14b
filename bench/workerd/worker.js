// The Worker `make bench` loads into real workerd, twice: MODE "sign" answers a signed KCP
// refund body (what a merchant's refund endpoint does), MODE "nosign" does the same work except
// the RSA signature (same JSON parsing, field validation and body), the ceiling to compare with.
// The client is created at the first request and kept for the isolate's life: nothing runs at
// module scope (Workers forbid randomness there), and a key decrypted once serves every request.
import { KcpClient, cancelPlaintext, serializeCertificate } from 'kcp-wasm';

let client = null;
let certInfo = null;

export default {
  async fetch(request, env) {
    const input = await request.json();
    if (env.MODE === 'sign') {
      client ??= new KcpClient({
        siteCd: 'T0000',
        certificate: env.KCP_CERT,
        privateKey: env.KCP_KEY,
        password: env.KCP_KEY_PASSWORD,
        environment: 'staging',
      });
      const prepared = client.prepareRefund(input);
      return new Response(prepared.body, { headers: { 'content-type': 'application/json' } });
    }
    certInfo ??= serializeCertificate(env.KCP_CERT);
    if (!(input.amount > 0 && input.amount <= input.remaining)) throw new Error('bad amount');
    const plaintext = cancelPlaintext('T0000', input.tno, 'STPC');
    const body = JSON.stringify({
      site_cd: 'T0000',
      tno: input.tno,
      kcp_cert_info: certInfo,
      kcp_sign_data: plaintext.length ? '' : '?',
      mod_type: 'STPC',
      mod_mny: String(input.amount),
      rem_mny: String(input.remaining),
      mod_desc: input.reason ?? '',
    });
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  },
};
