import { chromium } from 'playwright-core';
import { startServer } from '/work/main/scripts/serve-www.mjs';
const [w, h, prefix] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const s = await startServer({port:0});
const ctx = await chromium.launchPersistentContext('/tmp/dbg-profile-'+Date.now(), {executablePath:'/usr/bin/chromium', headless:true, viewport:{width:w,height:h}, colorScheme: process.env.SCHEME ?? 'light', args:['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync']});
const p = ctx.pages()[0] ?? await ctx.newPage();
await p.goto(s.url);
await p.waitForFunction(() => document.documentElement.dataset.ready === 'true');
if (process.env.EMPTY !== '1') {
await p.setInputFiles('#key-file', '/work/main/tests/fixtures/kcp/splPrikeyPKCS8.pem');
await p.setInputFiles('#cert-file', '/work/main/tests/fixtures/kcp/splCert.pem');
await p.fill('#password', process.env.PW ?? 'changeit');
await p.fill('#tno', '20261127000001');
await p.check('input[name="operation"][value="refund"]');
await p.waitForTimeout(400);
if (process.env.PW === undefined) { await p.click('#try-button'); await p.waitForTimeout(300); await p.click('#verify-fill'); }
}
const total = await p.evaluate(() => document.documentElement.scrollHeight);
let i = 0;
for (let y = 0; y < total; y += h) { await p.screenshot({ path: `/tmp/${prefix}-${i++}.png`, clip: { x: 0, y, width: w, height: Math.min(h, total - y) }, fullPage: true }); }
console.log(total, i);
await ctx.close(); await s.close();
