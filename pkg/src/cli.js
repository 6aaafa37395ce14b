// The `kcp-wasm` command line (Node only). `runCli(argv, io)` resolves to the exit code:
// 0 ok, 1 error, 2 usage error, 3 outcome unknown (a cancel/refund that may have been applied).
// Passwords come from KCP_KEY_PASSWORD, --password-file or a hidden prompt: never from argv.
import { readFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KcpSigner, KcpClient, KcpError, inspectCertificate } from './node.js';

export const USAGE = `Usage: kcp-wasm <command> [options]

Commands:
  sign       --key <key.pem> <plaintext>        print kcp_sign_data for a plaintext
  cert-info  --cert <cert.pem> [--key <key.pem>] print kcp_cert_info, subject, expiry (and
                                               whether it has expired), and whether the key
                                               is the certificate's pair
  cancel     --tno <tno> [--reason <text>]       full cancel (STSC)
  refund     --tno <tno> --amount <n> --remaining <n> [--reason <text>]
             [--taxable <n> --vat <n> --tax-free <n>]
                                               partial cancel (STPC); --remaining is the
                                               cancellable balance before this refund
  inquire    --tno <tno> --pay-type <PACA|PABK|PAVC|...>
                                               transaction inquiry
  delete-billing-key --batch-key <key> --group-id <id>
                                               delete a billing key (batch key)
  register-trade --order-id <id> --amount <n> --good-name <text>
             --pay-method <CARD|BANK|VCNT|...> --return-url <url>
             [--escrow] [--user-agent <text>]
                                               trade registration for KCP's mobile
                                               window: prints approvalKey and payUrl
  emulator   ...                               a local KCP emulator (kcp-wasm emulator --help)

Options for cancel, refund, inquire, delete-billing-key, register-trade:
  --site-cd <code>      merchant id (or KCP_SITE_CD)
  --cert <file>         certificate PEM (or KCP_CERT_FILE)
  --key <file>          private key PEM (or KCP_KEY_FILE)
  --env <name>          staging (default) or production (or KCP_ENV)
  --base-url <url>      send somewhere else (an emulator, a proxy); overrides --env
  --timeout-ms <n>      deadline per request (default 30000)
  --dry-run             print the signed request instead of sending it

The key's password: the KCP_KEY_PASSWORD environment variable, --password-file <file>, or a
prompt on a terminal. It is never accepted on the command line.

Exit codes: 0 ok, 1 error (code and message on stderr), 2 usage, 3 outcome unknown: the
cancel/refund may have been applied; run \`kcp-wasm inquire\` before trying again.`;

class UsageError extends Error {}

const COMMON = {
  'site-cd': { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'password-file': { type: 'string' },
  env: { type: 'string' },
  'base-url': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

const COMMANDS = {
  sign: { plaintext: { type: 'string' } },
  'cert-info': {},
  cancel: { tno: { type: 'string' }, reason: { type: 'string' } },
  refund: {
    tno: { type: 'string' },
    amount: { type: 'string' },
    remaining: { type: 'string' },
    reason: { type: 'string' },
    taxable: { type: 'string' },
    vat: { type: 'string' },
    'tax-free': { type: 'string' },
  },
  inquire: { tno: { type: 'string' }, 'pay-type': { type: 'string' } },
  'delete-billing-key': { 'batch-key': { type: 'string' }, 'group-id': { type: 'string' } },
  'register-trade': {
    'order-id': { type: 'string' },
    amount: { type: 'string' },
    'good-name': { type: 'string' },
    'pay-method': { type: 'string' },
    'return-url': { type: 'string' },
    escrow: { type: 'boolean', default: false },
    'user-agent': { type: 'string' },
  },
};

/** The commands about an existing transaction, which need its --tno. */
const TNO_COMMANDS = new Set(['cancel', 'refund', 'inquire']);

/**
 * @param {string[]} argv what follows `kcp-wasm`
 * @param {{ stdout?: (s: string) => void, stderr?: (s: string) => void, env?: Record<string, string|undefined>,
 *           stdin?: NodeJS.ReadStream, fetch?: typeof fetch, now?: number }} [io] (`now`: ms since 1970, for tests)
 * @returns {Promise<number>}
 */
export async function runCli(argv, io = {}) {
  const out = io.stdout ?? ((s) => process.stdout.write(`${s}\n`));
  const err = io.stderr ?? ((s) => process.stderr.write(`${s}\n`));
  const env = io.env ?? process.env;
  const [command, ...rest] = argv;

  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? err : out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    out(pkg.version);
    return 0;
  }
  if (command === 'emulator') return runEmulator(rest, err);

  if (!(command in COMMANDS)) {
    err(`kcp-wasm: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.some((a) => a === '--password' || a.startsWith('--password='))) {
    err(
      'kcp-wasm: passwords are not accepted on the command line (they end up in shell history and ' +
        'process lists): set KCP_KEY_PASSWORD, use --password-file <file>, or answer the prompt',
    );
    return 2;
  }

  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...COMMON, ...COMMANDS[command] },
      strict: true,
      allowPositionals: command === 'sign',
    }));
  } catch (e) {
    err(`kcp-wasm ${command}: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }

  try {
    const ctx = { values, positionals, env, out, err, io, now: io.now };
    if (command === 'sign') return await cmdSign(ctx);
    if (command === 'cert-info') return await cmdCertInfo(ctx);
    return await cmdSend(command, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`kcp-wasm ${command}: ${e.message}`);
      return 2;
    }
    return reportError(e, err);
  }
}

function reportError(e, err) {
  if (e instanceof KcpError) {
    // The library's guidance names its API (client.inquire); on the command line it is `kcp-wasm inquire`.
    const message = e.message.replaceAll('(client.inquire)', '(kcp-wasm inquire --tno <tno> --pay-type <type>)');
    err(`kcp-wasm: error ${e.code}: ${message}`);
    if (e.code === 'KCP_REJECTED') {
      err(`  res_cd: ${e.resCd}\n  res_msg: ${e.resMsg}${e.resEnMsg ? `\n  res_en_msg: ${e.resEnMsg}` : ''}`);
      if (e.hint) err(`  hint: ${e.hint}`);
    }
    if (e.code === 'OUTCOME_UNKNOWN' || e.code === 'HTTP_ERROR') {
      err(`  next: run \`kcp-wasm inquire --tno ${e.tno ?? '<tno>'} --pay-type <PACA|PABK|...>\` before trying again`);
    }
    if (e.field) err(`  field: ${e.field}`);
    if (e.code === 'HTTP_ERROR') err(`  status: ${e.status}`);
    return e.code === 'OUTCOME_UNKNOWN' ? 3 : 1;
  }
  err(`kcp-wasm: error ${e?.code ?? 'INTERNAL'}: ${e?.message ?? e}`);
  return 1;
}

async function runEmulator(args, err) {
  const cli = new URL('./testing/cli.js', import.meta.url);
  if (!existsSync(cli)) {
    err('kcp-wasm: the emulator is not part of this build');
    return 1;
  }
  const { runEmulatorCli } = await import(cli.href);
  return runEmulatorCli(args);
}

function readFileArg(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${e.code ?? e.message}`);
  }
}

function need(values, name, envName, env) {
  const v = values[name] ?? (envName ? env[envName] : undefined);
  if (v === undefined || v === '') {
    throw new UsageError(`--${name}${envName ? ` (or ${envName})` : ''} is required`);
  }
  return v;
}

function looksEncrypted(keyPem) {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(keyPem) || !keyPem.includes('-----BEGIN');
}

/** The key's password: KCP_KEY_PASSWORD, --password-file, or a hidden prompt on a terminal. */
async function password(ctx, keyPem) {
  if (ctx.env.KCP_KEY_PASSWORD !== undefined) return ctx.env.KCP_KEY_PASSWORD;
  if (ctx.values['password-file'] !== undefined) {
    // One trailing newline is the file's, not the password's.
    return readFileArg(ctx.values['password-file'], 'password file').replace(/\r?\n$/, '');
  }
  if (!looksEncrypted(keyPem)) return '';
  const stdin = ctx.io.stdin ?? process.stdin;
  if (!stdin.isTTY) {
    throw new UsageError('the key is encrypted: set KCP_KEY_PASSWORD or pass --password-file <file>');
  }
  return promptHidden(stdin, 'Private key password: ');
}

function promptHidden(stdin, prompt) {
  return new Promise((resolve, reject) => {
    // Echo off before the prompt appears, so nothing typed after it is ever shown.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    let answer = '';
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (fn) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      fn();
    };
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(() => resolve(answer));
        if (ch === '\u0003') return done(() => reject(new UsageError('cancelled')));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function cmdSign(ctx) {
  const keyPath = need(ctx.values, 'key', 'KCP_KEY_FILE', ctx.env);
  const plaintext = ctx.values.plaintext ?? ctx.positionals[0];
  if (plaintext === undefined) throw new UsageError('the plaintext to sign is required (e.g. T0000^21234567890123^STSC)');
  if (ctx.positionals.length > (ctx.values.plaintext === undefined ? 1 : 0)) {
    throw new UsageError('one plaintext only (quote it: the shell may split it)');
  }
  const keyPem = readFileArg(keyPath, 'key');
  const signer = KcpSigner.fromPem(keyPem, await password(ctx, keyPem));
  try {
    ctx.out(signer.sign(plaintext));
  } finally {
    signer.free();
  }
  return 0;
}

async function cmdCertInfo(ctx) {
  const certPath = need(ctx.values, 'cert', 'KCP_CERT_FILE', ctx.env);
  const certPem = readFileArg(certPath, 'certificate');
  const info = inspectCertificate(certPem);
  const keyPath = ctx.values.key ?? ctx.env.KCP_KEY_FILE;
  let keyMatches;
  if (keyPath !== undefined && keyPath !== '') {
    const keyPem = readFileArg(keyPath, 'key');
    const signer = KcpSigner.fromPem(keyPem, await password(ctx, keyPem));
    try {
      keyMatches = signer.matchesCertificate(certPem);
    } finally {
      signer.free();
    }
  }
  if (ctx.values.json) {
    const expired = info.notAfterUnix * 1000 <= (ctx.now ?? Date.now());
    ctx.out(JSON.stringify(keyMatches === undefined ? { ...info, expired } : { ...info, expired, keyMatches }, null, 2));
  } else {
    ctx.out(`subject:        ${info.subject}`);
    ctx.out(`issuer:         ${info.issuer}`);
    ctx.out(`serial:         ${info.serialNumber}`);
    ctx.out(`not before:     ${info.notBefore}`);
    ctx.out(`not after:      ${info.notAfter}${expiryNote(info.notAfterUnix, ctx.now ?? Date.now())}`);
    ctx.out(`public key:     RSA ${info.publicKeyBits} bits`);
    if (keyMatches !== undefined) ctx.out(`key is its pair: ${keyMatches ? 'yes' : 'NO'}`);
    ctx.out(`kcp_cert_info:  ${info.kcpCertInfo}`);
  }
  return keyMatches === false ? 1 : 0;
}

/** " (EXPIRED 155 days ago)" / " (expires in 30 days)" from the core's notAfter, or "". */
export function expiryNote(notAfterUnix, nowMs) {
  if (typeof notAfterUnix !== 'number') return '';
  const days = Math.floor((notAfterUnix * 1000 - nowMs) / 86_400_000);
  if (notAfterUnix * 1000 <= nowMs) {
    const ago = -days - 1;
    return ` (EXPIRED ${ago === 0 ? 'today' : `${ago} day${ago === 1 ? '' : 's'} ago`})`;
  }
  return days < 60 ? ` (expires in ${days} day${days === 1 ? '' : 's'})` : '';
}

function amountArg(values, name) {
  const v = values[name];
  return v === undefined ? undefined : v.trim();
}

async function cmdSend(command, ctx) {
  const { values, env } = ctx;
  const siteCd = need(values, 'site-cd', 'KCP_SITE_CD', env);
  const certPem = readFileArg(need(values, 'cert', 'KCP_CERT_FILE', env), 'certificate');
  const keyPem = readFileArg(need(values, 'key', 'KCP_KEY_FILE', env), 'key');
  const tno = TNO_COMMANDS.has(command) ? need(values, 'tno', undefined, env) : undefined;
  const environment = values.env ?? env.KCP_ENV ?? 'staging';
  let timeoutMs;
  if (values['timeout-ms'] !== undefined) {
    timeoutMs = Number(values['timeout-ms']);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout-ms must be a positive number');
  }
  const options = { siteCd, certificate: certPem, privateKey: keyPem, password: await password(ctx, keyPem), environment };
  if (values['base-url'] !== undefined) options.baseUrl = values['base-url'];
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  if (ctx.io.fetch !== undefined) options.fetch = ctx.io.fetch;

  const client = new KcpClient(options);
  try {
    let input;
    let prepare;
    let send;
    if (command === 'cancel') {
      input = { tno };
      if (values.reason !== undefined) input.reason = values.reason;
      prepare = () => client.prepareCancel(input);
      send = () => client.cancel(input);
    } else if (command === 'refund') {
      input = { tno, amount: need(values, 'amount', undefined, env), remaining: need(values, 'remaining', undefined, env) };
      input.amount = amountArg(values, 'amount');
      input.remaining = amountArg(values, 'remaining');
      if (values.reason !== undefined) input.reason = values.reason;
      const tax = [values.taxable, values.vat, values['tax-free']];
      if (tax.some((v) => v !== undefined)) {
        if (tax.some((v) => v === undefined)) throw new UsageError('--taxable, --vat and --tax-free go together');
        input.tax = { taxable: values.taxable, vat: values.vat, taxFree: values['tax-free'] };
      }
      prepare = () => client.prepareRefund(input);
      send = () => client.refund(input);
    } else if (command === 'delete-billing-key') {
      input = { batchKey: need(values, 'batch-key', undefined, env), groupId: need(values, 'group-id', undefined, env) };
      prepare = () => client.prepareBillingKeyDelete(input);
      send = () => client.deleteBillingKey(input);
    } else if (command === 'register-trade') {
      input = {
        orderId: need(values, 'order-id', undefined, env),
        amount: need(values, 'amount', undefined, env).trim(),
        goodName: need(values, 'good-name', undefined, env),
        payMethod: need(values, 'pay-method', undefined, env),
        returnUrl: need(values, 'return-url', undefined, env),
        escrow: values.escrow,
      };
      if (values['user-agent'] !== undefined) input.userAgent = values['user-agent'];
      prepare = () => client.prepareTradeRegistration(input);
      send = () => client.registerTrade(input);
    } else {
      input = { tno, payType: need(values, 'pay-type', undefined, env) };
      prepare = () => client.prepareInquiry(input);
      send = () => client.inquire(input);
    }

    if (values['dry-run']) {
      const p = prepare();
      ctx.out(JSON.stringify({ url: p.url, method: p.method, headers: p.headers, plaintext: p.plaintext, body: JSON.parse(p.body) }, null, 2));
      return 0;
    }
    const result = await send();
    ctx.out(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    client.free();
  }
}
