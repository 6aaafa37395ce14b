// `kcp-wasm emulator …`: the emulator on loopback HTTP, for manual tries and for merchants'
// integration tests in other languages. Node only. The package's CLI dispatches here; it also
// runs on its own: `node pkg/src/testing/cli.js --cert splCert.pem`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { WINDOW_PATH, DEPOSIT_PATH, NOTIFICATIONS_PATH } from './payments.js';

export const EMULATOR_USAGE = `Usage: kcp-wasm emulator --cert <certificate.pem> [options]

Serves KCP's endpoints on loopback with an in-memory ledger: cancel/refund (POST /gw/mod/v1/cancel),
inquiry (POST /std/inquery), approval (POST /gw/enc/v1/payment), the hub (POST /gw/hub/v1/payment:
billing-key charge and deletion, key-in, virtual accounts) and trade registration
(POST /std/tradeReg/register), checking site_cd, kcp_cert_info and kcp_sign_data. Its own routes:
POST /__emulator/window (what KCP's payment window hands back), POST /__emulator/deposit (a deposit
into a virtual account, notified to --notify-url) and GET /__emulator/notifications.
Point a client at it with baseUrl http://127.0.0.1:<port>. Stop with Ctrl-C.

Options:
  --cert <file>          the merchant's certificate (PEM); repeat with --site-cd for more merchants
  --site-cd <code>       the merchant's site_cd (default T0000), paired with --cert in order
  --seed <tno:amount[:payType[:siteCd]]>
                         a paid transaction to seed (repeatable), e.g. 20261127000001:10000:PACA
  --port <n>             port (default 8765; 0 picks a free one)
  --host <addr>          address to listen on (default 127.0.0.1)
  --notify-url <url>     where to deliver KCP's notifications (virtual-account deposits)
  --notify-attempts <n>  deliveries of one notification until it is acknowledged (default 5)
  --notify-interval-ms <ms>
                         wait before the 2nd delivery, doubling after (default 200)
  --group-id <id>        the merchant's billing group id: then only it is accepted
                         (default: any well-formed group id)
  --va-success-code <code>
                         res_cd of a virtual-account issuance: 0000 (default) or V000
  --quiet                do not log each request
  -h, --help             this text

Refusals use the emulator's own res_cd codes (E100..E342; 8059 is KCP's): see docs/emulator.md in the package (node_modules/kcp-wasm/docs/emulator.md).`;

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
        'notify-url': { type: 'string' },
        'notify-attempts': { type: 'string' },
        'notify-interval-ms': { type: 'string' },
        'group-id': { type: 'string' },
        'va-success-code': { type: 'string' },
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

  const count = (name, min) => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^[0-9]+$/.test(v) || n < min) throw new TypeError(`--${name} ${v}: expected an integer >= ${min}`);
    return n;
  };
  let notifyAttempts, notifyIntervalMs;
  try {
    notifyAttempts = count('notify-attempts', 1);
    notifyIntervalMs = count('notify-interval-ms', 0);
  } catch (e) {
    return usage(e.message);
  }

  const { createKcpEmulator } = await import('./index.js');
  let emulator;
  try {
    emulator = createKcpEmulator({
      merchants,
      transactions,
      notifyUrl: values['notify-url'],
      notifyAttempts,
      notifyIntervalMs,
      groupId: values['group-id'],
      vaSuccessCode: values['va-success-code'],
      onRequest: values.quiet ? undefined : (r) => out(formatRecord(r)),
      onNotification: values.quiet ? undefined : (d) => out(formatDelivery(d)),
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
  const facts = (await import('kcp-wasm')).kcpFacts();
  const kcpPaths = [facts.modifyPath, facts.inquiryPath, facts.approvalPath, facts.hubPath, facts.tradeRegisterPath];
  out(`  endpoints: ${kcpPaths.map((p) => `POST ${info.url}${p}`).join(', ')}`);
  out(`  emulator:  POST ${info.url}${WINDOW_PATH}, POST ${info.url}${DEPOSIT_PATH}, GET ${info.url}${NOTIFICATIONS_PATH}`);
  out(`  notifications: ${values['notify-url'] ? `delivered to ${values['notify-url']}` : 'not delivered (no --notify-url)'}`);
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

function formatDelivery(d) {
  const result = d.status !== undefined ? `HTTP ${d.status}` : `error ${d.error}`;
  return `${new Date().toISOString()} notify ${d.txCd} tno=${d.tno} noti_id=${d.notiId} → ${d.url} attempt ${d.attempt}: ${result}, ${d.acknowledged ? 'acknowledged' : 'not acknowledged'}`;
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
