// `kcp-wasm emulator …`: the emulator on loopback HTTP, for manual tries and for merchants'
// integration tests in other languages. Node only. The package's CLI dispatches here; it also
// runs on its own: `node pkg/src/testing/cli.js --cert splCert.pem`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export const EMULATOR_USAGE = `Usage: kcp-wasm emulator --cert <certificate.pem> [options]

Serves KCP's cancel/refund (POST /gw/mod/v1/cancel) and inquiry (POST /std/inquery) endpoints
on loopback, checking site_cd, kcp_cert_info and kcp_sign_data, with an in-memory ledger.
Point a client at it with baseUrl http://127.0.0.1:<port>. Stop with Ctrl-C.

Options:
  --cert <file>          the merchant's certificate (PEM); repeat with --site-cd for more merchants
  --site-cd <code>       the merchant's site_cd (default T0000), paired with --cert in order
  --seed <tno:amount[:payType[:siteCd]]>
                         a paid transaction to seed (repeatable), e.g. 20261127000001:10000:PACA
  --port <n>             port (default 8765; 0 picks a free one)
  --host <addr>          address to listen on (default 127.0.0.1)
  --quiet                do not log each request
  -h, --help             this text

Refusals use the emulator's own res_cd codes (E100..E305): see docs/emulator.md in the package (node_modules/kcp-wasm/docs/emulator.md).`;

/**
 * Runs the emulator CLI. `argv` is what follows `kcp-wasm emulator`. Resolves to the process exit
 * code once the emulator stops (SIGINT/SIGTERM), or at once on a usage error (2).
 * Pass `{ signal }` to stop it programmatically, and `{ onListening }` to learn the URL.
 * @param {string[]} argv
 * @param {{ signal?: AbortSignal, stdout?: (line: string) => void, stderr?: (line: string) => void,
 *           onListening?: (info: { url: string, host: string, port: number }) => void }} [io]
 * @returns {Promise<number>}
 */
export async function runEmulatorCli(argv, io = {}) {
  const out = io.stdout ?? ((line) => process.stdout.write(`${line}\n`));
  const err = io.stderr ?? ((line) => process.stderr.write(`${line}\n`));
  const args = argv[0] === 'emulator' ? argv.slice(1) : argv;

  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        cert: { type: 'string', multiple: true },
        'site-cd': { type: 'string', multiple: true },
        seed: { type: 'string', multiple: true },
        port: { type: 'string', default: '8765' },
        host: { type: 'string', default: '127.0.0.1' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    err(`kcp-wasm emulator: ${e.message}`);
    err(EMULATOR_USAGE);
    return 2;
  }
  if (values.help) {
    out(EMULATOR_USAGE);
    return 0;
  }

  const usage = (msg) => {
    err(`kcp-wasm emulator: ${msg}`);
    err('Run `kcp-wasm emulator --help` for usage.');
    return 2;
  };
  const certs = values.cert ?? [];
  const siteCds = values['site-cd'] ?? [];
  if (certs.length === 0) return usage('--cert <certificate.pem> is required');
  if (siteCds.length > certs.length) return usage('each --site-cd needs its own --cert');
  const merchants = [];
  for (const [i, file] of certs.entries()) {
    let pem;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (e) {
      return usage(`cannot read certificate ${file}: ${e.code ?? e.message}`);
    }
    merchants.push({ siteCd: siteCds[i] ?? (i === 0 ? 'T0000' : undefined), certificate: pem });
    if (!merchants[i].siteCd) return usage(`--cert ${file} has no --site-cd`);
  }
  const transactions = [];
  for (const seed of values.seed ?? []) {
    const [tno, amount, payType, siteCd] = seed.split(':');
    if (!tno || !amount || !/^[0-9]+$/.test(amount)) return usage(`--seed ${seed}: expected tno:amount[:payType[:siteCd]]`);
    transactions.push({ tno, amount, ...(payType ? { payType } : {}), ...(siteCd ? { siteCd } : {}) });
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port ${values.port} is not a port number`);

  const { createKcpEmulator } = await import('./index.js');
  let emulator;
  try {
    emulator = createKcpEmulator({
      merchants,
      transactions,
      onRequest: values.quiet ? undefined : (r) => out(formatRecord(r)),
    });
  } catch (e) {
    return usage(e.message);
  }

  let info;
  try {
    info = await emulator.listen({ port, host: values.host });
  } catch (e) {
    await emulator.close();
    err(`kcp-wasm emulator: cannot listen on ${values.host}:${port}: ${e.code ?? e.message}`);
    return 1;
  }
  out(`KCP emulator listening on ${info.url}`);
  out(`  merchants: ${merchants.map((m) => m.siteCd).join(', ')}`);
  for (const t of emulator.ledgers()) out(`  seeded: tno ${t.tno} ${t.amount} won ${t.payType} (${t.siteCd})`);
  out(`  endpoints: POST ${info.url}/gw/mod/v1/cancel, POST ${info.url}/std/inquery`);
  io.onListening?.(info);

  await new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    io.signal?.addEventListener('abort', stop, { once: true });
    if (io.signal?.aborted) stop();
  });
  await emulator.close();
  out('KCP emulator stopped');
  return 0;
}

function formatRecord(r) {
  const what = [r.method, r.path, r.tno ? `tno=${r.tno}` : '', r.modType ?? ''].filter(Boolean).join(' ');
  const result = r.resCd ? `res_cd ${r.resCd}` : `status ${r.status ?? '-'}`;
  const fault = r.fault ? ` [fault: ${r.fault} → ${r.outcome}]` : '';
  return `${new Date().toISOString()} ${what} → ${result}${fault}`;
}

// Run directly: `node pkg/src/testing/cli.js --cert …`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runEmulatorCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
