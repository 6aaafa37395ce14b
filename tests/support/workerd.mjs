// Shared by the workerd tests (tests/runtimes/) and the workerd benchmark (bench/workerd.mjs):
// bundling a Worker the way wrangler does, a free loopback port, and running the npm `workerd`
// (`workerd serve config.capnp`) until it answers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { KCP, root } from '../js/helpers.mjs';

/** A TCP port on 127.0.0.1 that nothing listens on at the moment. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * What wrangler does: bundles `entry` with esbuild and the `workerd` export condition into
 * `outDir`/worker.mjs, and keeps each .wasm import as a module of its own, copied beside it
 * (kcp_wasm_bg.wasm for this package). Resolves to the worker's modules, [name, kind, file]
 * as serveWorker takes them. `alias` (esbuild's) can point `kcp-wasm` at another build.
 */
export async function bundleWorker({ entry, outDir, alias }) {
  const wasm = new Set();
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    alias,
    outfile: path.join(outDir, 'worker.mjs'),
    logLevel: 'error',
    plugins: [
      {
        name: 'wasm-modules',
        setup(build) {
          build.onResolve({ filter: /\.wasm$/ }, (args) => {
            const file = path.resolve(args.resolveDir, args.path);
            fs.copyFileSync(file, path.join(outDir, path.basename(file)));
            wasm.add(path.basename(file));
            return { path: `./${path.basename(file)}`, external: true };
          });
        },
      },
    ],
  });
  return [['worker.mjs', 'esModule', 'worker.mjs'], ...[...wasm].map((f) => [f, 'wasm', f])];
}

/**
 * Runs `workerd serve config.capnp` in `dir` and calls `ready()` every 100 ms, for at most
 * 30 s, until it resolves true. `ready` resolves false while workerd does not answer yet, and
 * throws to give up at once (its message is thrown again with workerd's output). If workerd
 * exits, does not start in time or `ready` gives up, workerd is stopped and this throws.
 * Resolves to { logs(), stop() }.
 */
export async function startWorkerd({ dir, ready }) {
  let logs = '';
  const proc = spawn(path.join(root, 'node_modules/.bin/workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => (logs += d));
  proc.stderr.on('data', (d) => (logs += d));
  const stop = () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
  };
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`workerd exited ${proc.exitCode}:\n${logs}`);
      let answered;
      try {
        answered = await ready();
      } catch (e) {
        throw new Error(`${e.message}\n${logs}`);
      }
      if (answered) break;
      if (Date.now() > deadline) throw new Error(`workerd did not start:\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { logs: () => logs, stop };
}

/** True once `url` answers a GET with a 2xx status. */
async function answersOk(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false; // not listening yet
  }
}

/**
 * A workerd config (capnp) serving one worker on 127.0.0.1:`port`. `modules` are [name, kind,
 * file] (kind: esModule or wasm); `bindings` are [name, file] (a text binding embedding the
 * file) or [name, { text }] (a literal).
 */
export function workerdConfig({ port, modules, bindings }) {
  const mods = modules.map(([name, kind, file]) => `    (name = ${JSON.stringify(name)}, ${kind} = embed ${JSON.stringify(file)}),`).join('\n');
  const binds = bindings
    .map(([name, value]) => `    (name = ${JSON.stringify(name)}, text = ${typeof value === 'string' ? `embed ${JSON.stringify(value)}` : JSON.stringify(value.text)}),`)
    .join('\n');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .kcpWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const kcpWorker :Workerd.Worker = (
  modules = [
${mods}
  ],
  bindings = [
${binds}
  ],
  compatibilityDate = "2025-01-01",
);
`;
}

/**
 * Serves `dir` (holding the worker's modules) with the npm workerd on a free port: one worker
 * with KCP's public test pair (copied into `dir` as key.pem and cert.pem) bound as KCP_CERT,
 * KCP_KEY and KCP_KEY_PASSWORD. `modules` are [name, kind, file]. `ready(url)` is as for
 * startWorkerd; by default, a GET of the root answers 2xx. Resolves to { url, logs(), stop() }.
 */
export async function serveWorker({ dir, modules, ready = answersOk }) {
  fs.copyFileSync(KCP.keyPath, path.join(dir, 'key.pem'));
  fs.copyFileSync(KCP.certPath, path.join(dir, 'cert.pem'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    workerdConfig({ port, modules, bindings: [['KCP_CERT', 'cert.pem'], ['KCP_KEY', 'key.pem'], ['KCP_KEY_PASSWORD', { text: KCP.password }]] }),
  );
  const url = `http://127.0.0.1:${port}/`;
  return { url, ...(await startWorkerd({ dir, ready: () => ready(url) })) };
}
