#!/usr/bin/env node
// `make www`: serves the playground (www/) on 127.0.0.1, with the files of the built package it
// loads (pkg/src/**, pkg/dist/wasm/**), KCP's public test pair and tests/runtimes/lifecycle.mjs
// (for the browser test), and prints the URL.
//
//   node scripts/serve-www.mjs [--port N]     (default 8787, or PORT; 0 picks a free port)
//
// Nothing else on disk is reachable: every URL maps onto one of a few allowed folders. The page
// gets a Content-Security-Policy whose connect-src is 'self', so the browser itself refuses to
// send anything (keys included) anywhere but back to this server, which only answers GET.
// Also importable: `startServer({ port })` resolves to `{ url, port, close() }` (the browser test
// uses it with port 0).
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const DEFAULT_PORT = 8787;

// URL prefix → folder. The first match wins; '/' (www/) comes last.
const MOUNTS = [
  ['/pkg/src/', join(ROOT, 'pkg', 'src')],
  ['/pkg/dist/wasm/', join(ROOT, 'pkg', 'dist', 'wasm')],
  // KCP's published test pair (site_cd T0000, password changeit): public, for the "load the test
  // pair" button.
  ['/test-credentials/', join(ROOT, 'tests', 'fixtures', 'kcp')],
  // The lifecycle the runtime tests run in every runtime (tests/browser/ imports it in the page).
  ['/tests/runtimes/', join(ROOT, 'tests', 'runtimes')],
  ['/', join(ROOT, 'www')],
];
// Mounts that serve only the files named here.
const ONLY = new Map([
  ['/test-credentials/', new Set(['splCert.pem', 'splPrikeyPKCS8.pem'])],
  ['/tests/runtimes/', new Set(['lifecycle.mjs'])],
]);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.pem': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page's policy: scripts from this origin (plus the one inline import map, by hash), no outside connections. */
function contentSecurityPolicy(html) {
  const hashes = [];
  for (const m of html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)) {
    hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function resolveFile(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((s) => s === '..' || s === '.')) return null;
  for (const [prefix, dir] of MOUNTS) {
    if (!decoded.startsWith(prefix)) continue;
    let rest = decoded.slice(prefix.length);
    if (ONLY.has(prefix) && !ONLY.get(prefix).has(rest)) return null;
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = resolve(dir, rest);
    if (!file.startsWith(dir + sep)) return null;
    try {
      const real = await realpath(file);
      const realDir = await realpath(dir);
      if (!real.startsWith(realDir + sep)) return null;
      if (!(await stat(real)).isFile()) return null;
      return real;
    } catch {
      return null;
    }
  }
  return null;
}

async function handle(req, res) {
  const common = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...common, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const file = await resolveFile(url.pathname);
  if (file === null) {
    res.writeHead(404, { ...common, 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  let body = await readFile(file);
  const headers = { ...common, 'content-type': type };
  if (type.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy(body.toString('utf8'));
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Starts the server on 127.0.0.1. Resolves once listening. */
export async function startServer({ port = 0 } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${err?.message ?? err}\n`);
    });
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
  const actual = server.address().port;
  return {
    url: `http://${HOST}:${actual}/`,
    port: actual,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Whether the built package the page loads is there (make build). */
export function packageBuilt() {
  return existsSync(join(ROOT, 'pkg', 'dist', 'wasm', 'kcp_wasm.js')) && existsSync(join(ROOT, 'pkg', 'dist', 'wasm', 'kcp_wasm_bg.wasm'));
}

async function main() {
  const args = process.argv.slice(2);
  let port = process.env.PORT !== undefined ? Number(process.env.PORT) : DEFAULT_PORT;
  const explicit = process.env.PORT !== undefined || args.includes('--port');
  const i = args.indexOf('--port');
  if (i >= 0) port = Number(args[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node scripts/serve-www.mjs [--port N]   (N in 0..65535)');
    process.exit(2);
  }
  if (!packageBuilt()) {
    console.error('pkg/dist/wasm is missing: run `make build` first (or use `make www`, which builds).');
    process.exit(1);
  }
  let server;
  try {
    server = await startServer({ port });
  } catch (err) {
    if (err?.code !== 'EADDRINUSE' || explicit) throw err;
    server = await startServer({ port: 0 }); // the default port is taken: any free one will do
  }
  console.log(`kcp-wasm playground: ${server.url}`);
  console.log('Serving www/ on 127.0.0.1 only. Keys and passwords stay in your browser tab. Ctrl-C to stop.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`serve-www: ${err?.message ?? err}`);
    process.exit(1);
  });
}
