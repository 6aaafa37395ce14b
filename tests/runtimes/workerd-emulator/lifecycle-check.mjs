// Run by deno-bun.test.mjs under Deno and Bun (and usable with node): issue 15's lifecycle
// (../lifecycle.mjs) against the emulator, with the package imported by name, so that each
// runtime loads its own entry. Prints { runtimeEntry, summary } as JSON on its last line.
// Usage: <runtime> lifecycle-check.mjs <cert.pem> <key.pem> <password>
import fs from 'node:fs';
import process from 'node:process';
import { KcpClient, createNotificationHandler, runtimeEntry } from 'kcp-wasm';
import { createKcpEmulator } from 'kcp-wasm/testing';
import { lifecycle } from '../lifecycle.mjs';

const [certFile, keyFile, password] = process.argv.slice(2);
const summary = await lifecycle({
  KcpClient,
  createNotificationHandler,
  createKcpEmulator,
  certificate: fs.readFileSync(certFile, 'utf8'),
  privateKey: fs.readFileSync(keyFile, 'utf8'),
  password,
});
console.log(JSON.stringify({ runtimeEntry, summary }));
