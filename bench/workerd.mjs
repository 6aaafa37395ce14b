// Sustained requests per second in real workerd (npm `workerd`, `workerd serve config.capnp`),
// on 127.0.0.1 only, for the same Worker with and without the RSA signature. A bounded load
// loop: a fixed number of keep-alive connections, a fixed duration per phase, phases alternated.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { bundleWorker, freePort, startWorkerd } from '../tests/support/workerd.mjs';

const CONNECTIONS = 4;
const MAX_REQUESTS_PER_PHASE = 200_000;
// A different tno per request, so no layer could answer from a cache (PKCS#1 v1.5 signatures
// are deterministic: the same plaintext always gives the same signature).
let counter = 0;
const nextBody = () =>
  JSON.stringify({ tno: String(21234567890123 + (counter++ % 1_000_000)), amount: 1000, remaining: 5000, reason: '부분 취소' });

function post(agent, port) {
  const BODY = nextBody();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`))));
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

async function phase(port, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const latencies = [];
  const worker = async () => {
    while (performance.now() < end && done < MAX_REQUESTS_PER_PHASE) {
      const t0 = performance.now();
      await post(agent, port);
      latencies.push(performance.now() - t0);
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: done, seconds: elapsed, median: latencies[Math.floor(latencies.length / 2)] };
}

export async function runWorkerdBench({ root, seconds }) {
  const dir = path.join(root, 'test-results/bench-workerd');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // Bundled the way wrangler does: the `workerd` export condition, the .wasm kept as a module.
  await bundleWorker({ entry: path.join(root, 'bench/workerd/worker.js'), outDir: dir });
  fs.copyFileSync(path.join(root, 'tests/fixtures/kcp/splPrikeyPKCS8.pem'), path.join(dir, 'key.pem'));
  fs.copyFileSync(path.join(root, 'tests/fixtures/kcp/splCert.pem'), path.join(dir, 'cert.pem'));
  const ports = { sign: await freePort(), nosign: await freePort() };
  const worker = (mode) => `(
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "kcp_wasm_bg.wasm", wasm = embed "kcp_wasm_bg.wasm"),
  ],
  bindings = [
    (name = "MODE", text = "${mode}"),
    (name = "KCP_CERT", text = embed "cert.pem"),
    (name = "KCP_KEY", text = embed "key.pem"),
    (name = "KCP_KEY_PASSWORD", text = "changeit"),
  ],
  compatibilityDate = "2025-01-01",
)`;
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "sign", worker = .signWorker), (name = "nosign", worker = .nosignWorker) ],
  sockets = [
    (name = "sign", address = "127.0.0.1:${ports.sign}", http = (), service = "sign"),
    (name = "nosign", address = "127.0.0.1:${ports.nosign}", http = (), service = "nosign"),
  ],
);
const signWorker :Workerd.Worker = ${worker('sign')};
const nosignWorker :Workerd.Worker = ${worker('nosign')};
`,
  );
  // Each worker answers once before the load starts; the signing one with a whole signature.
  const agent = new http.Agent({ keepAlive: false });
  const waiting = ['sign', 'nosign'];
  const workerd = await startWorkerd({
    dir,
    ready: async () => {
      while (waiting.length) {
        const mode = waiting[0];
        try {
          const body = JSON.parse(await post(agent, ports[mode]));
          if (mode === 'sign' && body.kcp_sign_data.length !== 344) throw new Error('no signature');
        } catch (e) {
          if (e.message === 'no signature' || /^HTTP/.test(e.message)) throw e;
          return false; // not listening yet
        }
        waiting.shift();
      }
      return true;
    },
  });
  try {
    // Warm both (V8 tiers up), then alternate: nosign, sign, nosign, sign.
    await phase(ports.nosign, 1);
    await phase(ports.sign, 1);
    const total = { sign: { requests: 0, seconds: 0, medians: [] }, nosign: { requests: 0, seconds: 0, medians: [] } };
    for (let i = 0; i < 2; i++) {
      for (const mode of ['nosign', 'sign']) {
        const r = await phase(ports[mode], seconds);
        total[mode].requests += r.requests;
        total[mode].seconds += r.seconds;
        total[mode].medians.push(r.median);
      }
    }
    const rps = (m) => Math.round(total[m].requests / total[m].seconds);
    const med = (m) => Math.round(Math.max(...total[m].medians) * 1000) / 1000;
    return {
      connections: CONNECTIONS,
      seconds: seconds * 2,
      sign: { rps: rps('sign'), requests: total.sign.requests, latencyMedian: med('sign') },
      nosign: { rps: rps('nosign'), requests: total.nosign.requests, latencyMedian: med('nosign') },
      ratio: Math.round((rps('sign') / rps('nosign')) * 1000) / 1000,
      workerd: JSON.parse(fs.readFileSync(path.join(root, 'node_modules/workerd/package.json'), 'utf8')).version,
    };
  } finally {
    workerd.stop();
  }
}
