// Issue 15's lifecycle (lifecycle.mjs: approval, billing keys, virtual account and its
// notification, key-in, trade registration) against the emulator in Node, through the package's
// name: the node condition (ESM) and require() (dist/node.cjs). workerd, Deno and Bun run the same
// function in workerd-emulator/; Chromium in tests/browser/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KCP } from '../js/helpers.mjs';
import { lifecycle, EXPECTED } from './lifecycle.mjs';

const credentials = () => ({ certificate: KCP.cert, privateKey: KCP.key, password: KCP.password });

test('Node (ESM, node condition): the lifecycle against the emulator', async () => {
  const { KcpClient, createNotificationHandler, runtimeEntry } = await import('kcp-wasm');
  const { createKcpEmulator } = await import('kcp-wasm/testing');
  assert.equal(runtimeEntry, 'node');
  assert.deepEqual(await lifecycle({ KcpClient, createNotificationHandler, createKcpEmulator, ...credentials() }), EXPECTED);
});

test('Node (require): the lifecycle against the emulator', async () => {
  const require = createRequire(import.meta.url);
  const { KcpClient, createNotificationHandler, runtimeEntry } = require('kcp-wasm');
  const { createKcpEmulator } = require('kcp-wasm/testing');
  assert.equal(runtimeEntry, 'node-cjs');
  assert.deepEqual(await lifecycle({ KcpClient, createNotificationHandler, createKcpEmulator, ...credentials() }), EXPECTED);
});
