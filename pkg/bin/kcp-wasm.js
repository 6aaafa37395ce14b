#!/usr/bin/env node
// The `kcp-wasm` command. See `kcp-wasm --help`.
import { runCli } from '../src/cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`kcp-wasm: error INTERNAL: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
