// The www/ playground in a real browser: Debian's Chromium (headless), driven by playwright-core.
//
//   bash scripts/install-browser.sh      # once: apt-get install chromium
//   make build                           # once: pkg/dist/
//   node --test tests/browser/
//
// Loads the page from scripts/serve-www.mjs on an ephemeral 127.0.0.1 port, uploads KCP's public
// test key and certificate, and checks what the page shows against OpenSSL, the emulator and the
// network log. Also runs issue 15's lifecycle (tests/runtimes/lifecycle.mjs) in the page, through
// the browser entry. Leaves test-results/playground.png (and playground-narrow.png) behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, packageBuilt } from '../../scripts/serve-www.mjs';
import { EXPECTED } from '../runtimes/lifecycle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = join(ROOT, 'tests/fixtures/kcp/splPrikeyPKCS8.pem');
const CERT = join(ROOT, 'tests/fixtures/kcp/splCert.pem');
const PASSWORD = 'changeit';
const SITE_CD = 'T0000';
const TNO = '20261127000001';
const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.KCP_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server;
let context;
let page;
let userDataDir;
let workDir;
let decryptedKey;
const requests = [];
const pageErrors = [];

/** kcp_sign_data as OpenSSL computes it: the decrypted key, SHA-256, PKCS#1 v1.5, base64. */
function opensslSign(plaintext) {
  const file = join(workDir, 'plaintext.txt');
  writeFileSync(file, plaintext, 'utf8');
  return execFileSync('openssl', ['dgst', '-sha256', '-sign', decryptedKey, file]).toString('base64');
}

before(async () => {
  assert.ok(packageBuilt(), 'pkg/dist/wasm is missing: run `make build` first');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-browser.sh`);
  workDir = mkdtempSync(join(tmpdir(), 'kcp-www-test-'));
  decryptedKey = join(workDir, 'key.pem');
  execFileSync('openssl', ['pkcs8', '-in', KEY, '-passin', `pass:${PASSWORD}`, '-out', decryptedKey]);
  mkdirSync(RESULTS, { recursive: true });

  server = await startServer({ port: 0 });
  userDataDir = mkdtempSync(join(tmpdir(), 'kcp-www-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // Every request any page (or worker) of this browser context makes.
  context.on('request', (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined, null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), 'true', 'the page could not load kcp-wasm');
});

after(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const text = (selector) => page.locator(selector).innerText();
const state = (selector) => page.locator(selector).getAttribute('data-state');

async function fillRequest({ operation = 'cancel', tno = TNO } = {}) {
  await page.fill('#site-cd', SITE_CD);
  await page.fill('#tno', tno);
  await page.check(`input[name="operation"][value="${operation}"]`);
}

test('the page says plainly that keys never leave it', async () => {
  const privacy = await text('#privacy');
  assert.match(privacy, /key never leaves this page/i);
  const csp = (await (await fetch(server.url)).headers.get('content-security-policy')) ?? '';
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /default-src 'none'/);
});

test('the server serves tests/runtimes/lifecycle.mjs and nothing else of tests/', async () => {
  const status = async (path) => (await fetch(new URL(path, server.url))).status;
  assert.equal(await status('/tests/runtimes/lifecycle.mjs'), 200);
  for (const path of ['/tests/runtimes/', '/tests/runtimes/runtimes.test.mjs', '/tests/runtimes/sign-check.mjs', '/tests/runtimes/%2e%2e/js/helpers.mjs', '/tests/fixtures/kcp/splCert.pem', '/test-credentials/cert-info.txt']) {
    assert.equal(await status(path), 404, path);
  }
});

test('a wrong password shows its message', async () => {
  await page.setInputFiles('#key-file', KEY);
  await page.fill('#password', 'not-the-password');
  await page.waitForFunction(() => document.getElementById('key-status').dataset.state === 'error');
  assert.match(await text('#key-status'), /Wrong password/);
  assert.equal(await state('#pair-status'), 'idle');
  assert.equal(await page.locator('#out-sign-data').getAttribute('data-empty'), 'true');
});

test('a key in the certificate box is named as such', async () => {
  await page.setInputFiles('#cert-file', KEY);
  await page.waitForFunction(() => document.getElementById('cert-status').dataset.state === 'error');
  assert.match(await text('#cert-status'), /private key, not a certificate/);
});

test('key + certificate: decrypted, pair check matches, expired certificate flagged', async () => {
  await page.setInputFiles('#key-file', KEY);
  await page.setInputFiles('#cert-file', CERT);
  await page.fill('#password', PASSWORD);
  await page.waitForFunction(() => document.getElementById('pair-status').dataset.state === 'ok');
  assert.match(await text('#pair-status'), /key matches this certificate/);
  assert.equal(await state('#key-status'), 'ok');
  assert.match(await text('#key-status'), /RSA-2048/);
  assert.match(await text('#cert-subject'), /CN=2021062910000024/);
  assert.match(await text('#cert-validity'), /2026-06-28/);
  // KCP's test certificate ended 2026-06-28: the page warns (and still signs).
  if (Date.now() > Date.parse('2026-06-28T00:34:37Z')) {
    assert.equal(await state('#cert-expiry'), 'warn');
    assert.match(await text('#cert-expiry'), /Expired on 2026-06-28/);
  }
  const expectedCertInfo = readFileSync(join(ROOT, 'tests/fixtures/kcp/cert-info.txt'), 'utf8').trim();
  assert.equal(await text('#out-cert-info'), expectedCertInfo);
});

test('full cancel: kcp_sign_data equals what OpenSSL computes', async () => {
  await fillRequest({ operation: 'cancel' });
  await page.fill('#reason', '고객 요청 취소');
  await page.waitForFunction(() => document.getElementById('out-sign-data').dataset.empty === 'false');
  const plaintext = await text('#out-plaintext');
  assert.equal(plaintext, `${SITE_CD}^${TNO}^STSC`);
  const shown = await text('#out-sign-data');
  assert.equal(shown, opensslSign(plaintext));
  const body = JSON.parse(await text('#out-body'));
  assert.equal(body.kcp_sign_data, shown);
  assert.equal(body.mod_type, 'STSC');
  assert.equal(body.mod_desc, '고객 요청 취소');
  assert.equal(body.kcp_cert_info, await text('#out-cert-info'));
  const curl = await text('#out-curl');
  assert.match(curl, /^curl -sS -X POST 'https:\/\/stg-spl\.kcp\.co\.kr\/gw\/mod\/v1\/cancel'/);
  assert.ok(curl.includes(shown));
});

test('copy buttons put the exact value on the clipboard', async () => {
  await page.click('[data-copy="out-sign-data"]');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await text('#out-sign-data'));

  // The indented view of the body is for reading; Copy still gives the exact wire text.
  const exact = await text('#out-body');
  await page.click('#body-pretty');
  await page.waitForFunction(() => document.getElementById('out-body').textContent.startsWith('{\n  "site_cd"'));
  await page.click('[data-copy="out-body"]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), exact);
  await page.click('#body-pretty');
  await page.waitForFunction((b) => document.getElementById('out-body').textContent === b, exact);
});

test('partial refund and inquiry: signatures equal OpenSSL', async () => {
  await fillRequest({ operation: 'refund' });
  await page.fill('#amount', '3000');
  await page.fill('#remaining', '10000');
  await page.waitForFunction(() => document.getElementById('out-plaintext').textContent.endsWith('^STPC'));
  await page.waitForFunction(() => document.getElementById('out-body').textContent.includes('"mod_type":"STPC"'));
  let body = JSON.parse(await text('#out-body'));
  assert.equal(body.mod_mny, '3000');
  assert.equal(body.rem_mny, '10000');
  assert.equal(body.kcp_sign_data, opensslSign(`${SITE_CD}^${TNO}^STPC`));

  await page.check('input[name="operation"][value="inquiry"]');
  await page.selectOption('#pay-type', 'PABK');
  await page.waitForFunction(() => document.getElementById('out-plaintext').textContent.endsWith('^PABK'));
  body = JSON.parse(await text('#out-body'));
  assert.equal(body.pay_type, 'PABK');
  assert.equal(await text('#out-sign-data'), opensslSign(`${SITE_CD}^${TNO}^PABK`));
});

test('an invalid field gets a human message next to it', async () => {
  await fillRequest({ operation: 'refund', tno: '2026-1127' });
  await page.waitForFunction(() => !document.getElementById('tno-error').hidden);
  assert.match(await text('#tno-error'), /transaction number: 1 to 14 digits/);
  assert.equal(await page.getAttribute('#tno', 'aria-invalid'), 'true');

  await page.fill('#tno', TNO);
  await page.fill('#amount', '30000');
  await page.fill('#remaining', '10000');
  await page.waitForFunction(() => !document.getElementById('amount-error').hidden);
  assert.match(await text('#amount-error'), /no more than the balance before it/);
  await page.fill('#amount', '3000');
  await page.waitForFunction(() => document.getElementById('amount-error').hidden);
});

test('try it: the emulator round trip shows 0000, then refuses a stale rem_mny', async () => {
  await fillRequest({ operation: 'refund' });
  await page.fill('#amount', '3000');
  await page.fill('#remaining', '10000');
  await page.waitForFunction(() => !document.getElementById('try-button').disabled);
  await page.click('#try-button');
  await page.waitForFunction(() => !document.getElementById('try-result').hidden && document.getElementById('try-res-cd').textContent !== '');
  assert.equal(await text('#try-res-cd'), '0000');
  assert.equal(await state('#try-summary'), 'ok');
  const reply = JSON.parse(await text('#try-reply'));
  assert.equal(reply.res_cd, '0000');
  assert.equal(reply.tno, TNO);
  assert.equal(reply.rem_mny, '7000');
  assert.match(await text('#try-ledger'), /7,000 won still cancellable/);

  // The same request again: the balance is 7000 now, so rem_mny 10000 is stale.
  await page.click('#try-button');
  await page.waitForFunction(() => document.getElementById('try-res-cd').textContent === 'E302');
  assert.equal(await state('#try-summary'), 'error');
  assert.match(await text('#try-summary'), /rem_mny is not the balance/);
  await page.click('#try-reset');
});

test('verify panel: the current request verifies, a changed plaintext does not', async () => {
  await fillRequest({ operation: 'cancel' });
  await page.waitForFunction(() => document.getElementById('out-plaintext').textContent.endsWith('^STSC'));
  await page.click('#verify-fill');
  await page.waitForFunction(() => document.getElementById('verify-status').dataset.state === 'ok');
  assert.match(await text('#verify-status'), /Valid/);
  await page.fill('#verify-plaintext', `${SITE_CD}^${TNO}^STPC`);
  await page.click('#verify-button');
  await page.waitForFunction(() => document.getElementById('verify-status').dataset.state === 'error');
  assert.match(await text('#verify-status'), /Does not verify/);
});

test('screenshots (wide and narrow) land in test-results/', async () => {
  // A state worth looking at: a signed partial refund and its emulator reply.
  await fillRequest({ operation: 'refund' });
  await page.fill('#amount', '3000');
  await page.fill('#remaining', '10000');
  await page.waitForFunction(() => !document.getElementById('try-button').disabled);
  await page.click('#try-button');
  await page.waitForFunction(() => document.getElementById('try-res-cd').textContent === '0000');
  await page.click('#verify-fill');
  await page.waitForFunction(() => document.getElementById('verify-status').dataset.state === 'ok');
  await page.screenshot({ path: join(RESULTS, 'playground.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways on a narrow screen by ${overflow}px`);
  await page.screenshot({ path: join(RESULTS, 'playground-narrow.png'), fullPage: true });
  await page.setViewportSize({ width: 1360, height: 900 });
  assert.ok(existsSync(join(RESULTS, 'playground.png')));
});

/** Drops a file on a drop zone the way a browser does (a DataTransfer with a File in it). */
async function dropFile(target, path, name) {
  const bytes = [...readFileSync(path)];
  await page.evaluate(
    ({ target, bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name));
      const zone = document.querySelector(`.dropzone[data-target="${target}"]`);
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { target, bytes, name },
  );
}

test('a dropped DER key and a pasted certificate sign like OpenSSL did for the fixtures', async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/manifest.json'), 'utf8'));
  const entry = manifest.keys.find((k) => k.file === 'rsa2048/kcp-pkcs12.der');
  const expected = entry.signatures.find((sig) => sig.plaintext.endsWith('^STSC'));
  const [siteCd, tno] = expected.plaintext.split('^');
  await dropFile('key-text', join(ROOT, 'tests/fixtures', entry.file), 'kcp-pkcs12.der');
  await page.fill('#cert-text', readFileSync(join(ROOT, 'tests/fixtures', entry.cert), 'utf8'));
  await page.fill('#password', entry.password);
  await page.fill('#site-cd', siteCd);
  await page.fill('#tno', tno);
  await page.check('input[name="operation"][value="cancel"]');
  await page.waitForFunction(() => document.getElementById('pair-status').dataset.state === 'ok');
  await page.waitForFunction((p) => document.getElementById('out-plaintext').textContent === p, expected.plaintext);
  await page.waitForFunction(() => document.getElementById('out-sign-data').dataset.empty === 'false');
  assert.equal(await text('#out-sign-data'), expected.signature);
});

test('a key that is not the certificate\'s pair is called out (and an unencrypted key is warned about)', async () => {
  await page.setInputFiles('#key-file', join(ROOT, 'tests/fixtures/rsa2048/pkcs8.pem'));
  await page.setInputFiles('#cert-file', CERT);
  await page.waitForFunction(() => document.getElementById('pair-status').dataset.state === 'error');
  assert.match(await text('#pair-status'), /does not match this certificate/);
  assert.equal(await state('#key-status'), 'warn');
  assert.match(await text('#key-status'), /not encrypted/);
  assert.equal(await page.locator('#out-sign-data').getAttribute('data-empty'), 'true');
  assert.equal(await page.locator('#try-button').isDisabled(), true);
});

test("'Use KCP's public test pair' fills key, password, certificate and site_cd from the local server", async () => {
  await page.fill('#password', '');
  await page.click('#load-test-pair');
  await page.waitForFunction(() => document.getElementById('pair-status').dataset.state === 'ok');
  assert.equal(await page.inputValue('#site-cd'), SITE_CD);
  assert.equal(await page.inputValue('#password'), PASSWORD);
  assert.equal(await page.inputValue('#cert-text'), readFileSync(CERT, 'utf8'));
});

test('keyboard: every control is reachable with Tab, in reading order', async () => {
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const seen = [];
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('name') || document.activeElement?.tagName));
  }
  for (const id of ['load-test-pair', 'key-text', 'key-file', 'password', 'cert-text', 'cert-file', 'site-cd', 'tno', 'operation', 'reason']) {
    assert.ok(seen.includes(id), `Tab never reaches #${id} (saw ${seen.join(', ')})`);
  }
  assert.ok(seen.indexOf('key-text') < seen.indexOf('password'), 'the password comes after the key');
  assert.ok(seen.indexOf('password') < seen.indexOf('cert-text'), 'the certificate comes after the password');
  assert.ok(seen.indexOf('cert-text') < seen.indexOf('site-cd'), 'the request comes after the credentials');
});

test('in the page: the browser entry runs issue 15\'s lifecycle against the emulator', async () => {
  // The same function as in Node, workerd, Deno and Bun (tests/runtimes/lifecycle.mjs), imported
  // in the playground's page: `kcp-wasm` and `kcp-wasm/testing` through its import map (the
  // browser entry, which needs `await init()`), the public test pair from the local server.
  const result = await page.evaluate(async (password) => {
    const kcp = await import('kcp-wasm');
    await kcp.init();
    const { createKcpEmulator } = await import('kcp-wasm/testing');
    const { lifecycle } = await import('/tests/runtimes/lifecycle.mjs');
    const [certificate, privateKey] = await Promise.all(
      ['splCert.pem', 'splPrikeyPKCS8.pem'].map(async (name) => {
        const r = await fetch(`/test-credentials/${name}`, { cache: 'no-store' });
        if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
        return r.text();
      }),
    );
    try {
      const summary = await lifecycle({ KcpClient: kcp.KcpClient, createNotificationHandler: kcp.createNotificationHandler, createKcpEmulator, certificate, privateKey, password });
      return { runtimeEntry: kcp.runtimeEntry, summary };
    } catch (e) {
      return { runtimeEntry: kcp.runtimeEntry, error: `${e?.code ?? e?.name}: ${e?.message ?? e}\n${e?.stack ?? ''}` };
    }
  }, PASSWORD);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.runtimeEntry, 'browser');
  assert.deepEqual(result.summary, EXPECTED);
});

test('no request left 127.0.0.1, and the page logged no errors', () => {
  assert.ok(requests.length > 0, 'no request was recorded at all');
  const outside = requests.filter((url) => {
    try {
      return new URL(url).hostname !== '127.0.0.1';
    } catch {
      return true;
    }
  });
  assert.deepEqual(outside, [], `requests left 127.0.0.1: ${outside.join(', ')}`);
  assert.ok(requests.some((url) => url.endsWith('/pkg/dist/wasm/kcp_wasm_bg.wasm')), 'the wasm module was loaded from the local server');
  assert.deepEqual(pageErrors, []);
});
