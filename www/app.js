// The playground: everything happens here, in this tab. The key, its password and the
// certificate are only ever handed to the kcp-wasm module loaded through the import map; the
// page stores nothing and sends nothing (its CSP allows connections to its own origin only, and
// "Try it" uses the emulator's in-page fetch).
import {
  init,
  KcpSigner,
  KcpClient,
  inspectCertificate,
  serializeCertificate,
  verifySignature,
  cancelPlaintext,
  inquiryPlaintext,
  kcpFacts,
} from 'kcp-wasm';
import { createKcpEmulator } from 'kcp-wasm/testing';
import { explain, fieldInput, FIELD_INPUTS, useFacts } from './messages.js';

const $ = (id) => document.getElementById(id);
const MAX_FILE_BYTES = 256 * 1024;

// What KCP's codes mean (partial? needs a refund account?) and its limits are the core's facts,
// read once the module is loaded; the page restates none of them.
let facts = null;
const modTypeFacts = (code) => facts.modTypes.find((m) => m.code === code);
/** The mod_type of the cancel and refund operations (STSC, STPC), as the core names them. */
const modTypeOf = (op) => facts.modTypes.find((m) => m.operation === op)?.code;

/** Fills a <select> with the core's codes, keeping the current choice when it is still offered. */
function fillSelect(select, items) {
  const current = select.value;
  select.replaceChildren(
    ...items.map((item) => {
      const option = document.createElement('option');
      option.value = item.code;
      option.textContent = `${item.code} · ${item.description}`;
      return option;
    }),
  );
  if (items.some((item) => item.code === current)) select.value = current;
}
const SEED_AMOUNT = 10000;

const el = {
  boot: $('boot-status'),
  keyText: $('key-text'),
  keyFile: $('key-file'),
  password: $('password'),
  passwordToggle: $('password-toggle'),
  keyStatus: $('key-status'),
  certText: $('cert-text'),
  certFile: $('cert-file'),
  certStatus: $('cert-status'),
  certSummary: $('cert-summary'),
  certExpiry: $('cert-expiry'),
  pairStatus: $('pair-status'),
  siteCd: $('site-cd'),
  tno: $('tno'),
  modType: $('mod-type'),
  amount: $('amount'),
  remaining: $('remaining'),
  bankCode: $('bank-code'),
  account: $('account'),
  depositor: $('depositor'),
  extra: $('extra'),
  payType: $('pay-type'),
  reason: $('reason'),
  reasonCount: $('reason-count'),
  requestStatus: $('request-status'),
  endpoint: $('endpoint'),
  outCertInfo: $('out-cert-info'),
  outPlaintext: $('out-plaintext'),
  outSignData: $('out-sign-data'),
  outBody: $('out-body'),
  outCurl: $('out-curl'),
  copyStatus: $('copy-status'),
  tryButton: $('try-button'),
  tryReset: $('try-reset'),
  tryResult: $('try-result'),
  tryResCd: $('try-res-cd'),
  tryResMsg: $('try-res-msg'),
  trySummary: $('try-summary'),
  tryReply: $('try-reply'),
  tryHttp: $('try-http'),
  tryLedger: $('try-ledger'),
  verifyPlaintext: $('verify-plaintext'),
  verifySignatureInput: $('verify-signature'),
  verifyButton: $('verify-button'),
  verifyFill: $('verify-fill'),
  verifyStatus: $('verify-status'),
};

// ---- small helpers -------------------------------------------------------------------

function setStatus(node, state, text, detail) {
  // Unchanged: leave the live region alone, so screen readers do not repeat it on every keystroke.
  const signature = `${state}\u0000${text}\u0000${detail ?? ''}`;
  if (node.dataset.shown === signature && !node.hidden) return;
  node.dataset.shown = signature;
  node.dataset.state = state;
  node.replaceChildren();
  const main = document.createElement('span');
  main.className = 'status-text';
  main.textContent = text;
  node.append(main);
  if (detail) {
    const small = document.createElement('span');
    small.className = 'status-detail';
    small.textContent = detail;
    node.append(small);
  }
  node.hidden = false;
}

/** Shows an output; `shown` (optional) is a readable rendering, while Copy keeps `value` exact. */
function setOutput(node, value, emptyText, shown) {
  if (value === null || value === undefined) {
    node.textContent = emptyText;
    node.dataset.empty = 'true';
    delete node.dataset.raw;
  } else {
    node.textContent = shown ?? value;
    node.dataset.empty = 'false';
    if (shown !== undefined && shown !== value) node.dataset.raw = value;
    else delete node.dataset.raw;
  }
  const copy = document.querySelector(`[data-copy="${node.id}"]`);
  if (copy) copy.disabled = node.dataset.empty === 'true';
}

const operation = () => document.querySelector('input[name="operation"]:checked').value;
const pemLabel = (text) => /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1] ?? null;
const utf8Length = (s) => new TextEncoder().encode(s).length;
const formatWon = (n) => `${Number(n).toLocaleString('en-US')} won`;
const shellQuote = (s) => `'${s.replaceAll("'", `'\\''`)}'`;

function formatUtc(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

function daysBetween(a, b) {
  return Math.floor((b.getTime() - a.getTime()) / 86_400_000);
}

const KEY_FORMATS = {
  'pkcs12-pbe-sha1-3des': "KCP's own format (PKCS#8, PBE-SHA1-3DES)",
  pbes2: 'PKCS#8 with PBES2 (re-wrapped)',
  pkcs8: 'unencrypted PKCS#8',
  pkcs1: 'unencrypted PKCS#1 (RSA PRIVATE KEY)',
};

// ---- state ---------------------------------------------------------------------------

/** The decrypted key, kept for the (key text, password) it came from. */
let signer = null;
let signerFor = null;
/** The client (key + certificate + site_cd), kept for the inputs it came from. */
let client = null;
let clientFor = null;
/** Whether the key is the certificate's pair (null: not known yet). */
let pairOk = null;
/** The certificate PEM, when it parsed. */
let certPem = null;
/** The request as last built. */
let prepared = null;
let preparedInput = null;
let emulator = null;
let emulatorFor = null;
/** Whether the JSON body is shown indented. */
let prettyBody = false;

function dropSigner() {
  if (signer) signer.free();
  signer = null;
  signerFor = null;
}

function dropClient() {
  if (client) client.free();
  client = null;
  clientFor = null;
}

// ---- 1. key and certificate ----------------------------------------------------------

function refreshCertificate() {
  const text = el.certText.value;
  certPem = null;
  el.certSummary.hidden = true;
  el.certExpiry.hidden = true;
  if (text.trim() === '') {
    setStatus(el.certStatus, 'idle', 'No certificate yet.');
    return;
  }
  try {
    const info = inspectCertificate(text);
    certPem = text;
    const cn = /CN=([^,]+)/.exec(info.subject)?.[1];
    setStatus(el.certStatus, 'ok', `Certificate read${cn ? `: CN ${cn}` : ''}.`);
    $('cert-subject').textContent = info.subject;
    $('cert-issuer').textContent = info.issuer;
    $('cert-validity').textContent = `${formatUtc(info.notBefore)} → ${formatUtc(info.notAfter)}`;
    $('cert-serial').textContent = `${info.serialNumber} · RSA-${info.publicKeyBits}`;
    el.certSummary.hidden = false;
    const now = new Date();
    const notAfter = new Date(info.notAfter);
    const notBefore = new Date(info.notBefore);
    if (notAfter < now) {
      const days = daysBetween(notAfter, now);
      setStatus(
        el.certExpiry,
        'warn',
        `Expired on ${info.notAfter.slice(0, 10)} (${days} day${days === 1 ? '' : 's'} ago).`,
        'KCP refuses requests signed with an expired certificate: issue a new pair in KCP\'s merchant admin. ' +
          'The playground still signs with it (KCP\'s public test certificate expired on 2026-06-28).',
      );
    } else if (notBefore > now) {
      setStatus(el.certExpiry, 'warn', `Not valid yet: its validity starts on ${info.notBefore.slice(0, 10)}.`);
    } else {
      const days = daysBetween(now, notAfter);
      if (days <= 30) {
        setStatus(el.certExpiry, 'warn', `Expires in ${days} day${days === 1 ? '' : 's'} (${info.notAfter.slice(0, 10)}).`, 'Renew it in KCP\'s merchant admin before then.');
      } else {
        setStatus(el.certExpiry, 'ok', `Valid until ${info.notAfter.slice(0, 10)}.`);
      }
    }
  } catch (error) {
    const label = pemLabel(text);
    const m = explain(error, { slot: 'certificate', label });
    setStatus(el.certStatus, 'error', m.text, m.detail);
  }
}

function refreshKey() {
  const text = el.keyText.value;
  const password = el.password.value;
  if (text.trim() === '') {
    dropSigner();
    setStatus(el.keyStatus, 'idle', 'No key yet.');
    return;
  }
  const label = pemLabel(text);
  if (signerFor && signerFor.text === text && signerFor.password === password && signer) return;
  dropSigner();
  if (label === 'ENCRYPTED PRIVATE KEY' && password === '') {
    setStatus(el.keyStatus, 'idle', 'This key is encrypted: enter its password.');
    return;
  }
  try {
    signer = KcpSigner.fromPem(text, password);
    signerFor = { text, password };
    const format = KEY_FORMATS[signer.keyFormat] ?? signer.keyFormat;
    const unencrypted = signer.keyFormat === 'pkcs8' || signer.keyFormat === 'pkcs1';
    setStatus(
      el.keyStatus,
      unencrypted ? 'warn' : 'ok',
      `Key decrypted: RSA-${signer.modulusBits}, ${format}.`,
      unencrypted ? 'This key file is not encrypted: anyone with the file can sign as you. Keep it somewhere safe.' : undefined,
    );
  } catch (error) {
    const m = explain(error, { slot: 'key', label, passwordEmpty: password === '' });
    setStatus(el.keyStatus, 'error', m.text, m.detail);
  }
}

function refreshPair() {
  pairOk = null;
  if (!signer || !certPem) {
    setStatus(el.pairStatus, 'idle', 'The pair check runs once the key is decrypted and the certificate is read.');
    return;
  }
  try {
    pairOk = signer.matchesCertificate(certPem);
  } catch (error) {
    const m = explain(error, { slot: 'certificate' });
    setStatus(el.pairStatus, 'error', m.text, m.detail);
    return;
  }
  if (pairOk) {
    setStatus(el.pairStatus, 'ok', 'Pair check: the key matches this certificate.');
  } else {
    const m = explain({ code: 'KEY_CERT_MISMATCH', message: '' }, {});
    setStatus(el.pairStatus, 'error', 'Pair check: the key does not match this certificate.', m.text);
  }
}

// ---- 2. request ----------------------------------------------------------------------

function clearFieldErrors() {
  for (const id of FIELD_INPUTS) {
    const input = $(id);
    const err = $(`${id}-error`);
    if (input) input.removeAttribute('aria-invalid');
    if (err) {
      err.hidden = true;
      err.textContent = '';
    }
  }
  el.requestStatus.hidden = true;
}

function showFieldError(error) {
  const m = explain(error, {});
  const id = fieldInput(error.field);
  const input = id ? $(id) : null;
  const err = id ? $(`${id}-error`) : null;
  if (input && err && !input.closest('[hidden]')) {
    input.setAttribute('aria-invalid', 'true');
    err.textContent = m.text;
    err.hidden = false;
    if (m.detail) {
      const small = document.createElement('span');
      small.className = 'status-detail';
      small.textContent = m.detail;
      err.append(small);
    }
  } else {
    setStatus(el.requestStatus, 'error', m.text, m.detail);
  }
}

function showOperationFields() {
  const op = operation();
  const modType = el.modType.value;
  $('fields-modify').hidden = op !== 'modify';
  $('fields-amounts').hidden = !(op === 'refund' || op === 'modify');
  $('fields-account').hidden = !(op === 'modify' && modTypeFacts(modType)?.needsRefundAccount === true);
  $('fields-extra').hidden = op !== 'modify';
  $('fields-inquiry').hidden = op !== 'inquiry';
  $('fields-reason').hidden = op === 'inquiry';
  const optional = op === 'modify';
  $('amount-hint').textContent = optional ? 'Optional for most mod_types.' : 'Won to give back with this request.';
  $('remaining-hint').textContent = optional ? 'Optional; the balance before this request.' : 'What could still be cancelled before it.';
}

function parseExtra(text) {
  const extra = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      const e = new Error(`line ${i + 1} is not name=value`);
      e.code = 'FIELD_INVALID';
      e.field = 'extra';
      throw e;
    }
    extra[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return extra;
}

/** The input for the client's prepare and send calls of the chosen operation. */
function requestInput() {
  const op = operation();
  const tno = el.tno.value.trim();
  const reason = el.reason.value;
  const withReason = (o) => (reason === '' ? o : { ...o, reason });
  switch (op) {
    case 'cancel':
      return withReason({ tno });
    case 'refund':
      return withReason({ tno, amount: el.amount.value.trim(), remaining: el.remaining.value.trim() });
    case 'inquiry':
      return { tno, payType: el.payType.value };
    default: {
      const input = withReason({ tno, modType: el.modType.value });
      if (el.amount.value.trim() !== '') input.amount = el.amount.value.trim();
      if (el.remaining.value.trim() !== '') input.remaining = el.remaining.value.trim();
      if (modTypeFacts(el.modType.value)?.needsRefundAccount === true) {
        input.refundAccount = { bankCode: el.bankCode.value.trim(), account: el.account.value.trim(), depositor: el.depositor.value.trim() };
      }
      const extra = parseExtra(el.extra.value);
      if (Object.keys(extra).length > 0) input.extra = extra;
      return input;
    }
  }
}

function plaintextFor(siteCd, input) {
  const op = operation();
  if (op === 'inquiry') return inquiryPlaintext(siteCd, input.tno, input.payType);
  const modType = op === 'modify' ? input.modType : modTypeOf(op);
  return cancelPlaintext(siteCd, input.tno, modType);
}

function ensureClient(siteCd) {
  const want = { key: el.keyText.value, password: el.password.value, cert: certPem, siteCd };
  if (client && clientFor && Object.keys(want).every((k) => clientFor[k] === want[k])) return client;
  dropClient();
  client = new KcpClient({ siteCd, certificate: certPem, privateKey: want.key, password: want.password, environment: 'staging' });
  clientFor = want;
  return client;
}

function prepare(c, input) {
  switch (operation()) {
    case 'cancel':
      return c.prepareCancel(input);
    case 'refund':
      return c.prepareRefund(input);
    case 'inquiry':
      return c.prepareInquiry(input);
    default:
      return c.prepareModify(input);
  }
}

function curlFor(p) {
  return [
    `curl -sS -X POST ${shellQuote(p.url)} \\`,
    `  -H ${shellQuote(`Content-Type: ${p.headers['Content-Type']}`)} \\`,
    `  --data-raw ${shellQuote(p.body)}`,
  ].join('\n');
}

function refreshRequest() {
  clearFieldErrors();
  prepared = null;
  preparedInput = null;
  const bytes = utf8Length(el.reason.value);
  el.reasonCount.textContent = `${bytes} / ${facts.maxReasonBytes} bytes`;
  el.reasonCount.dataset.over = String(bytes > facts.maxReasonBytes);

  let certInfo = null;
  if (certPem) {
    try {
      certInfo = serializeCertificate(certPem);
    } catch {
      certInfo = null;
    }
  }
  setOutput(el.outCertInfo, certInfo, 'Needs the certificate.');

  const siteCd = el.siteCd.value.trim();
  let input = null;
  let plaintext = null;
  const needsSigning = 'Needs the key, its password and the certificate.';
  try {
    if (siteCd === '' || el.tno.value.trim() === '') {
      setOutput(el.outPlaintext, null, 'Needs site_cd and tno.');
    } else {
      input = requestInput();
      plaintext = plaintextFor(siteCd, input);
      setOutput(el.outPlaintext, plaintext);
    }
  } catch (error) {
    showFieldError(error);
    setOutput(el.outPlaintext, null, 'Fix the highlighted field.');
    input = null;
  }

  const missing = [];
  if (plaintext === null) missing.push('a valid request');
  if (!signer) missing.push('the decrypted key');
  if (!certPem) missing.push('the certificate');
  let why = missing.length > 0 ? `Needs ${missing.join(', ').replace(/, ([^,]*)$/, ' and $1')}.` : needsSigning;
  if (plaintext !== null && signer && certPem && pairOk === true) {
    try {
      const c = ensureClient(siteCd);
      prepared = prepare(c, input);
      preparedInput = input;
    } catch (error) {
      if (error.code === 'FIELD_INVALID' || error.code === 'CONFIG_INVALID') {
        showFieldError(error);
        why = 'Fix the highlighted field.';
      } else {
        const m = explain(error, {});
        setStatus(el.requestStatus, 'error', m.text, m.detail);
        why = m.text;
      }
    }
  } else if (signer && certPem && pairOk === false) {
    why = 'The key and the certificate are not a pair: nothing to sign with.';
  }

  if (prepared) {
    setOutput(el.outSignData, JSON.parse(prepared.body).kcp_sign_data);
    setOutput(el.outBody, prepared.body, '', prettyBody ? JSON.stringify(JSON.parse(prepared.body), null, 2) : undefined);
    setOutput(el.outCurl, curlFor(prepared));
    el.endpoint.textContent = `POST ${new URL(prepared.url).pathname}`;
  } else {
    setOutput(el.outSignData, null, why);
    setOutput(el.outBody, null, why);
    setOutput(el.outCurl, null, why);
    el.endpoint.textContent = '';
  }
  el.tryButton.disabled = prepared === null;
}

// ---- 4. try it -----------------------------------------------------------------------

function ensureEmulator(siteCd) {
  const want = `${siteCd}\n${certPem}`;
  if (emulator && emulatorFor === want) return emulator;
  emulator = createKcpEmulator({ merchants: [{ siteCd, certificate: certPem }] });
  emulatorFor = want;
  return emulator;
}

function describeLedger(entry) {
  if (!entry) return '';
  const state = { approved: 'approved', 'partially-cancelled': 'partially cancelled', cancelled: 'fully cancelled' }[entry.state] ?? entry.state;
  return `Emulator ledger for tno ${entry.tno}: paid ${formatWon(entry.amount)} by ${entry.payType}, ${formatWon(entry.remaining)} still cancellable, ${state}.`;
}

async function tryIt() {
  refreshRequest();
  if (!prepared) return;
  const siteCd = el.siteCd.value.trim();
  const input = preparedInput;
  const op = operation();
  const kcp = ensureEmulator(siteCd);
  let seeded = false;
  if (!kcp.ledger(input.tno)) {
    const amount = op === 'refund' && /^[0-9]{1,12}$/.test(input.remaining) && Number(input.remaining) > 0 ? Number(input.remaining) : SEED_AMOUNT;
    kcp.addTransaction({ tno: input.tno, amount, payType: op === 'inquiry' ? input.payType : 'PACA' });
    seeded = true;
  }
  let reply = null;
  const capture = async (url, init) => {
    const response = await kcp.fetch(url, init);
    reply = { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.clone().text() };
    return response;
  };
  const sender = new KcpClient({
    siteCd,
    certificate: certPem,
    privateKey: el.keyText.value,
    password: el.password.value,
    environment: 'staging',
    fetch: capture,
    timeoutMs: 10_000,
  });
  el.tryButton.disabled = true;
  let result = null;
  let failure = null;
  try {
    if (op === 'cancel') result = await sender.cancel(input);
    else if (op === 'refund') result = await sender.refund(input);
    else if (op === 'inquiry') result = await sender.inquire(input);
    else result = await sender.modify(input);
  } catch (error) {
    failure = error;
  } finally {
    sender.free();
    el.tryButton.disabled = prepared === null;
  }

  el.tryResult.hidden = false;
  let parsed = null;
  try {
    parsed = reply ? JSON.parse(reply.text) : null;
  } catch {
    parsed = null;
  }
  el.tryReply.textContent = parsed ? JSON.stringify(parsed, null, 2) : (reply?.text ?? '(no reply)');
  el.tryHttp.textContent = reply ? `HTTP ${reply.status} · ${reply.type}` : '';
  const resCd = parsed?.res_cd ?? failure?.resCd ?? '—';
  el.tryResCd.textContent = resCd;
  el.tryResCd.dataset.ok = String(resCd === '0000');
  el.tryResMsg.textContent = parsed ? [parsed.res_msg, parsed.res_en_msg].filter(Boolean).join(' · ') : '';
  if (result) {
    setStatus(el.trySummary, 'ok', summarize(op, result), seeded ? `The emulator seeded tno ${input.tno} as a new payment first.` : undefined);
  } else {
    const m = explain(failure, { emulator: true });
    setStatus(el.trySummary, 'error', m.text, m.detail);
  }
  el.tryLedger.textContent = describeLedger(kcp.ledger(input.tno));
}

function summarize(op, r) {
  switch (op) {
    case 'cancel':
      return `Fully cancelled: ${formatWon(r.amount ?? 0)} returned${r.canceledAt ? ` at ${r.canceledAt} (KST)` : ''}.`;
    case 'refund':
      return `Refunded ${formatWon(r.amount ?? 0)}; ${formatWon(r.remaining ?? 0)} left to cancel (partial cancel #${r.partialSequence ?? '?'}). kcp-wasm checked tno and rem_mny against the request.`;
    case 'inquiry':
      return `Inquiry answered: ${r.raw.tran_state ?? 'state unknown'}, ${r.raw.rem_mny !== undefined ? formatWon(r.raw.rem_mny) : '?'} still cancellable.`;
    default:
      return `KCP accepted ${r.raw.mod_type ?? 'the request'}.`;
  }
}

// ---- 5. verify -----------------------------------------------------------------------

function verify() {
  const plaintext = el.verifyPlaintext.value;
  const signature = el.verifySignatureInput.value.trim();
  if (!certPem) {
    setStatus(el.verifyStatus, 'idle', 'Add a readable certificate above first.');
    return;
  }
  if (plaintext === '' || signature === '') {
    setStatus(el.verifyStatus, 'idle', 'Needs a plaintext and a signature.');
    return;
  }
  try {
    const ok = verifySignature(certPem, plaintext, signature);
    if (ok) {
      setStatus(el.verifyStatus, 'ok', 'Valid: this certificate\'s key signed exactly this plaintext.');
    } else {
      setStatus(
        el.verifyStatus,
        'error',
        'Does not verify: either another key signed it, or the plaintext differs (even by one character, such as a space or a different tno).',
      );
    }
  } catch (error) {
    const m = explain(error, { slot: 'certificate' });
    setStatus(el.verifyStatus, 'error', m.text, m.detail);
  }
}

// ---- wiring --------------------------------------------------------------------------

let timer = null;
function refreshAll() {
  clearTimeout(timer);
  timer = null;
  refreshCertificate();
  refreshKey();
  refreshPair();
  showOperationFields();
  refreshRequest();
}
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refreshAll, 120);
}

async function readFileInto(file, textarea) {
  if (file.size > MAX_FILE_BYTES) {
    const status = textarea === el.keyText ? el.keyStatus : el.certStatus;
    setStatus(status, 'error', `“${file.name}” is ${Math.round(file.size / 1024)} KiB: far too large to be a key or a certificate.`);
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length > 0 && bytes[0] === 0x30 && !new TextDecoder().decode(bytes.subarray(0, 64)).includes('-----BEGIN')) {
    // A binary DER file: kcp-wasm reads its base64; a certificate gets its PEM armour back.
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    const b64 = btoa(binary);
    textarea.value =
      textarea === el.certText
        ? `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`
        : b64;
  } else {
    textarea.value = new TextDecoder().decode(bytes);
  }
  refreshAll();
}

function wireDropzone(zone) {
  const textarea = $(zone.dataset.target);
  zone.addEventListener('dragover', (e) => {
    if ([...(e.dataTransfer?.types ?? [])].includes('Files')) {
      e.preventDefault();
      zone.dataset.over = 'true';
    }
  });
  zone.addEventListener('dragleave', () => {
    delete zone.dataset.over;
  });
  zone.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files?.[0];
    delete zone.dataset.over;
    if (!file) return;
    e.preventDefault();
    readFileInto(file, textarea);
  });
}

async function copy(button) {
  const source = $(button.dataset.copy);
  if (!source || source.dataset.empty === 'true') return;
  const text = source.dataset.raw ?? source.textContent;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Fallback: select the text so that Ctrl+C works.
    const range = document.createRange();
    range.selectNodeContents(source);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    ok = document.execCommand?.('copy') ?? false;
  }
  const label = button.textContent;
  button.textContent = ok ? 'Copied' : 'Selected';
  button.dataset.done = 'true';
  el.copyStatus.textContent = ok ? `${button.getAttribute('aria-label')?.replace(/^Copy /, '') ?? 'Text'} copied to the clipboard.` : 'Selected: press Ctrl+C to copy.';
  setTimeout(() => {
    button.textContent = label === 'Copied' || label === 'Selected' ? 'Copy' : label;
    delete button.dataset.done;
  }, 1500);
}

async function loadTestPair() {
  const button = $('load-test-pair');
  button.disabled = true;
  try {
    const [key, cert] = await Promise.all(
      ['splPrikeyPKCS8.pem', 'splCert.pem'].map(async (name) => {
        const r = await fetch(`/test-credentials/${name}`, { cache: 'no-store' });
        if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
        return r.text();
      }),
    );
    el.keyText.value = key;
    el.certText.value = cert;
    el.password.value = 'changeit';
    el.siteCd.value = 'T0000';
    if (el.tno.value.trim() === '') el.tno.value = '20261127000001';
    refreshAll();
  } catch (error) {
    setStatus(el.keyStatus, 'error', `Could not load KCP's test pair from this server (${error.message}).`);
  } finally {
    button.disabled = false;
  }
}

function wire() {
  for (const node of [el.keyText, el.password, el.certText, el.siteCd, el.tno, el.amount, el.remaining, el.bankCode, el.account, el.depositor, el.extra, el.reason]) {
    node.addEventListener('input', schedule);
  }
  for (const node of [el.modType, el.payType, ...document.querySelectorAll('input[name="operation"]')]) {
    node.addEventListener('change', refreshAll);
  }
  // The input is emptied once read, so that choosing the same file again (after editing the
  // text) reads it again.
  for (const [input, textarea] of [[el.keyFile, el.keyText], [el.certFile, el.certText]]) {
    input.addEventListener('change', () => {
      const file = input.files[0];
      if (!file) return;
      readFileInto(file, textarea).finally(() => {
        input.value = '';
      });
    });
  }
  for (const zone of document.querySelectorAll('.dropzone')) wireDropzone(zone);
  // A file dropped beside a drop zone must not make the browser navigate away from the page.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (e) => {
      if ([...(e.dataTransfer?.types ?? [])].includes('Files') && !e.target.closest?.('.dropzone')) e.preventDefault();
    });
  }
  for (const button of document.querySelectorAll('[data-clear]')) {
    button.addEventListener('click', () => {
      const target = $(button.dataset.clear);
      target.value = '';
      if (target === el.keyText) el.keyFile.value = '';
      if (target === el.certText) el.certFile.value = '';
      refreshAll();
      target.focus();
    });
  }
  el.passwordToggle.addEventListener('click', () => {
    const show = el.password.type === 'password';
    el.password.type = show ? 'text' : 'password';
    el.passwordToggle.textContent = show ? 'Hide' : 'Show';
    el.passwordToggle.setAttribute('aria-pressed', String(show));
  });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => copy(button));
  }
  $('load-test-pair').addEventListener('click', loadTestPair);
  $('body-pretty').addEventListener('click', () => {
    prettyBody = !prettyBody;
    $('body-pretty').setAttribute('aria-pressed', String(prettyBody));
    $('body-pretty-hint').hidden = !prettyBody;
    el.outBody.classList.toggle('clamp', !prettyBody);
    refreshRequest();
  });
  el.tryButton.addEventListener('click', () => {
    tryIt().catch((error) => {
      const m = explain(error, { emulator: true });
      el.tryResult.hidden = false;
      setStatus(el.trySummary, 'error', m.text, m.detail);
    });
  });
  el.tryReset.addEventListener('click', () => {
    emulator = null;
    emulatorFor = null;
    el.tryResult.hidden = true;
    el.tryLedger.textContent = '';
  });
  el.verifyButton.addEventListener('click', verify);
  el.verifyFill.addEventListener('click', () => {
    refreshRequest();
    if (el.outPlaintext.dataset.empty === 'false') el.verifyPlaintext.value = el.outPlaintext.textContent;
    if (el.outSignData.dataset.empty === 'false') el.verifySignatureInput.value = el.outSignData.textContent;
    verify();
  });
  for (const node of [el.verifyPlaintext, el.verifySignatureInput]) {
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (node.tagName === 'INPUT' || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        verify();
      }
    });
  }
  window.addEventListener('pagehide', () => {
    dropClient();
    dropSigner();
  });
}

async function main() {
  try {
    await init();
  } catch (error) {
    el.boot.dataset.state = 'error';
    el.boot.textContent = `Could not load kcp-wasm's WebAssembly module: ${error.message}. Is the package built (make build)?`;
    document.documentElement.dataset.ready = 'error';
    return;
  }
  el.boot.hidden = true;
  facts = kcpFacts();
  useFacts(facts);
  fillSelect(el.modType, facts.modTypes.filter((m) => m.operation === 'modify'));
  fillSelect(el.payType, facts.payTypes);
  wire();
  refreshAll();
  document.documentElement.dataset.ready = 'true';
}

main();
