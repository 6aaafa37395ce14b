// examples/vite: `vite build`, served by `vite preview`, then `vite` (dev), each loaded in Debian's
// Chromium (headless, driven by playwright-core; scripts/install-browser.sh installs it). The page
// loads the .wasm through `kcp-wasm/kcp_wasm_bg.wasm?url` (a hashed file under /assets/ once
// built) and serializes KCP's test certificate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { KCP, freePort, installExample, run, startServer } from './support.mjs';

const CHROMIUM = process.env.KCP_CHROMIUM ?? '/usr/bin/chromium';
let server;
let browser;
let url;
let dir;

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-browser.sh`);
  dir = installExample('vite');
  const vite = path.join(dir, 'node_modules/.bin/vite');
  await run(vite, ['build', '--logLevel', 'warn'], { cwd: dir });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  server = await startServer({
    command: vite,
    args: ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    cwd: dir,
    ready: async () => (await fetch(url)).ok,
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('vite build + Chromium: init() with the ?url import, then serializeCertificate', async () => {
  const page = await browser.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#status').textContent !== 'loading…');
  assert.equal(await page.textContent('#status'), 'ready', errors.join('\n'));
  const wasm = requests.filter((p) => p.endsWith('.wasm'));
  assert.equal(wasm.length, 1, requests.join('\n'));
  assert.match(wasm[0], /^\/assets\/kcp_wasm_bg-[\w-]+\.wasm$/);
  await page.fill('#cert', KCP.cert);
  await page.click('#serialize');
  assert.equal(await page.textContent('#result'), KCP.cert.replace(/\r?\n/g, ''));
  await page.fill('#cert', 'not a certificate');
  await page.click('#serialize');
  assert.match(await page.textContent('#result'), /^CERT_MALFORMED: /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('vite dev + Chromium: the same ?url import works unbuilt', async () => {
  const port = await freePort();
  const devUrl = `http://127.0.0.1:${port}/`;
  const dev = await startServer({
    command: path.join(dir, 'node_modules/.bin/vite'),
    args: ['--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    cwd: dir,
    ready: async () => (await fetch(devUrl)).ok,
  });
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(devUrl);
    await page.waitForFunction(() => document.querySelector('#status').textContent !== 'loading…', null, { timeout: 30_000 });
    assert.equal(await page.textContent('#status'), 'ready', `${errors.join('\n')}\n${dev.logs()}`);
    await page.fill('#cert', KCP.cert);
    await page.click('#serialize');
    assert.equal(await page.textContent('#result'), KCP.cert.replace(/\r?\n/g, ''));
  } finally {
    await page.close();
    await dev.stop();
  }
});
