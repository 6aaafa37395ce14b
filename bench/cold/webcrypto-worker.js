// The reference Worker of the cold-start benchmark (bench/cold.mjs): the best a Worker could do
// if WebCrypto read KCP's key format, i.e. the same key as unencrypted PKCS#8 (base64 in
// KCP_PKCS8), imported at the first request that needs it and kept for the isolate's life.
//   /ping: nothing; /load: crypto.subtle.importKey; /sign: subtle.sign of the refund plaintext,
//   answered as base64 in a JSON body.
let key = null;
const PLAINTEXT = new TextEncoder().encode('T0000^21234567890123^STPC');

async function load(env) {
  const der = Uint8Array.from(atob(env.KCP_PKCS8), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/load') {
      key = await load(env);
      return new Response('loaded');
    }
    if (pathname === '/sign') {
      key ??= await load(env);
      const sig = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, PLAINTEXT));
      const body = JSON.stringify({ site_cd: 'T0000', tno: '21234567890123', kcp_sign_data: btoa(String.fromCharCode(...sig)) });
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    return new Response('ok');
  },
};
