// The client and the emulator together inside real workerd (the npm `workerd` package), bundled
// the way wrangler does: esbuild with the workerd condition, the .wasm kept as a module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from '../../js/helpers.mjs';
import { bundleWorker, serveWorker } from '../../support/workerd.mjs';
import { EXPECTED } from '../lifecycle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(root, 'test-results/workerd-emulator');

let server;

before(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const modules = await bundleWorker({ entry: path.join(here, 'worker.js'), outDir: dir });
  server = await serveWorker({
    dir,
    modules,
    // Ready as soon as anything answers, whatever its status.
    ready: async (url) => {
      try {
        await fetch(`${url}health`, { method: 'HEAD' });
        return true;
      } catch {
        return false; // not listening yet
      }
    },
  });
});

after(() => server?.stop());

test('in workerd: client → emulator through injected fetch, every outcome as in Node', async () => {
  const r = await fetch(server.url);
  const text = await r.text();
  assert.equal(r.status, 200, `${text}\n${server.logs()}`);
  const { runtimeEntry, steps, ledger, requests } = JSON.parse(text);
  assert.equal(runtimeEntry, 'workerd');
  assert.equal(steps.cancel.ok, true, JSON.stringify(steps.cancel));
  assert.equal(Number(steps.cancel.remaining), 0);
  assert.equal(Number(steps.refund1.remaining), 25000);
  assert.equal(steps.refund1.partialSequence, '1');
  assert.equal(Number(steps.refund2.remaining), 18000);
  assert.deepEqual([steps.stale.ok, steps.stale.code, steps.stale.resCd], [false, 'KCP_REJECTED', 'E302']);
  assert.deepEqual([steps.lost.ok, steps.lost.code], [false, 'OUTCOME_UNKNOWN']);
  assert.equal(steps.inquiry.raw.rem_mny, '15000');
  assert.deepEqual([steps.http.ok, steps.http.code], [false, 'HTTP_ERROR']);
  assert.equal(ledger.remaining, 15000);
  assert.equal(ledger.partialSequence, 3);
  assert.equal(requests, 7);
});

test('in workerd: the lifecycle (approval, billing key, virtual account and notification, key-in, trade registration)', async () => {
  const r = await fetch(`${server.url}lifecycle`);
  const text = await r.text();
  assert.equal(r.status, 200, `${text}\n${server.logs()}`);
  const { runtimeEntry, summary } = JSON.parse(text);
  assert.equal(runtimeEntry, 'workerd');
  assert.deepEqual(summary, EXPECTED);
});
