// Run by Deno and Bun (and Node) from the repository: imports `kcp-wasm` through the runtime's
// own export condition, signs with KCP's public test key and prints JSON for the test to check.
// argv: <key.pem> <cert.pem> <password> <plaintext>
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { KcpSigner, KcpClient, serializeCertificate, verifySignature, runtimeEntry } from 'kcp-wasm';

const [keyPath, certPath, password, plaintext] = process.argv.slice(2);
const key = readFileSync(keyPath, 'utf8');
const cert = readFileSync(certPath, 'utf8');

const signer = KcpSigner.fromPem(key, password);
const signature = signer.sign(plaintext);
signer.free();

const client = new KcpClient({ siteCd: 'T0000', certificate: cert, privateKey: key, password, environment: 'staging' });
const refund = JSON.parse(client.prepareRefund({ tno: '21234567890123', amount: 1000, remaining: 5000, reason: 'runtime check' }).body);
client.free();

console.log(
  JSON.stringify({
    runtimeEntry,
    signature,
    kcpCertInfo: serializeCertificate(cert),
    verified: verifySignature(cert, plaintext, signature),
    refundSignature: refund.kcp_sign_data,
  }),
);
