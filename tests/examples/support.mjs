// Shared by the examples' tests (tests/examples/*.test.mjs): each example under examples/ is
// copied into a cache directory outside the repository (so that no tool finds the repository's
// own node_modules or lockfile above it), given the packed tarball of pkg/ (`npm pack`, as a
// user would install it from npm), and installed from its committed package-lock.json. The
// cache keeps node_modules (and Next.js's build cache) between runs: a warm run only replaces
// kcp-wasm itself.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KCP, root } from '../js/helpers.mjs';

export { KCP, root };
export const examplesDir = path.join(root, 'examples');
/** Where the examples are installed and run: $KCP_EXAMPLES_CACHE, or ~/.cache/kcp-wasm-examples. */
export const cacheDir = process.env.KCP_EXAMPLES_CACHE || path.join(os.homedir(), '.cache', 'kcp-wasm-examples');

/** What the examples read from their environment to reach the emulator at `baseUrl`. */
export function kcpEnv(baseUrl) {
  return {
    KCP_SITE_CD: KCP.siteCd,
    KCP_CERT: KCP.cert,
    KCP_KEY: KCP.key,
    KCP_KEY_PASSWORD: KCP.password,
    KCP_BASE_URL: baseUrl,
  };
}

const SKIP = new Set(['node_modules', '.next', 'dist', '.wrangler', 'package-lock.json', 'kcp-wasm.tgz', '.dev.vars']);

/**
 * Copies examples/<name> into the cache, packs pkg/ into it as kcp-wasm.tgz and installs:
 * every dependency at the version its package-lock.json pins, kcp-wasm from the tarball.
 * Returns the directory. `npm pack` needs pkg/dist (scripts/build.sh).
 */
export function installExample(name) {
  const src = path.join(examplesDir, name);
  const dir = path.join(cacheDir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(src, dir, { recursive: true, filter: (f) => !SKIP.has(path.basename(f)) || f === src });
  if (!fs.existsSync(path.join(root, 'pkg/dist/wasm/kcp_wasm_bg.wasm'))) {
    throw new Error('pkg/dist is missing: run scripts/build.sh first');
  }
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir, path.join(root, 'pkg')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fs.renameSync(path.join(dir, JSON.parse(packed)[0].filename), path.join(dir, 'kcp-wasm.tgz'));

  // The committed lock pins kcp-wasm as it will be on npm; here it comes from the tarball.
  const pkg = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  pkg.dependencies['kcp-wasm'] = 'file:kcp-wasm.tgz';
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // The committed lock (else the cache's own, from the last run), without kcp-wasm: npm would
  // otherwise reinstall the previous tarball's contents from its cache by their integrity.
  for (const [from, to] of [
    [fs.existsSync(path.join(src, 'package-lock.json')) ? path.join(src, 'package-lock.json') : path.join(dir, 'package-lock.json'), path.join(dir, 'package-lock.json')],
    [path.join(dir, 'node_modules/.package-lock.json'), path.join(dir, 'node_modules/.package-lock.json')],
  ]) {
    if (!fs.existsSync(from)) continue;
    const lock = JSON.parse(fs.readFileSync(from, 'utf8'));
    delete lock.packages['node_modules/kcp-wasm'];
    if (lock.packages['']?.dependencies) lock.packages[''].dependencies['kcp-wasm'] = 'file:kcp-wasm.tgz';
    fs.writeFileSync(to, `${JSON.stringify(lock, null, 2)}\n`);
  }
  fs.rmSync(path.join(dir, 'node_modules/kcp-wasm'), { recursive: true, force: true });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  return dir;
}

/**
 * Rewrites the lock of examples/<name> from an installed copy in the cache, with kcp-wasm as it
 * will resolve from npm (used by tests/examples/update-locks.mjs).
 */
export function lockForCommit(name) {
  const lock = JSON.parse(fs.readFileSync(path.join(cacheDir, name, 'package-lock.json'), 'utf8'));
  const version = JSON.parse(fs.readFileSync(path.join(root, 'pkg/package.json'), 'utf8')).version;
  lock.name = JSON.parse(fs.readFileSync(path.join(examplesDir, name, 'package.json'), 'utf8')).name;
  lock.packages[''].name = lock.name;
  lock.packages[''].dependencies['kcp-wasm'] = version;
  const entry = lock.packages['node_modules/kcp-wasm'];
  delete entry.integrity;
  entry.resolved = `https://registry.npmjs.org/kcp-wasm/-/kcp-wasm-${version}.tgz`;
  entry.version = version;
  return `${JSON.stringify(lock, null, 2)}\n`;
}

export { freePort } from '../support/workerd.mjs';

/**
 * Runs `command args` in `cwd` until `ready()` resolves true (polled every 200 ms, for at most
 * `timeoutMs`). Throws with the process's output if it exits or does not get ready in time.
 * Resolves to { logs(), stop() }; stop() ends the process group it started.
 */
export async function startServer({ command, args, cwd, env, ready, timeoutMs = 60_000 }) {
  let logs = '';
  const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout.on('data', (d) => (logs += d));
  proc.stderr.on('data', (d) => (logs += d));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${command} ${args.join(' ')} exited ${proc.exitCode ?? proc.signalCode}:\n${logs}`);
    if (await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} ${args.join(' ')} did not get ready in ${timeoutMs} ms:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { logs: () => logs, stop };
}

/** Runs a command to completion; throws with its output if it fails. Resolves to its stdout. */
export function run(command, args, { cwd, env, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${out}\n${err}`));
    });
  });
}
