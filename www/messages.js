// Error codes of kcp-wasm (KcpError.code, and FIELD_INVALID's `field`) turned into sentences a
// person can act on. The library's own message is kept as the detail line.

/** Wire field name → the id of the input that holds it on the page. */
const FIELD_TO_INPUT = {
  site_cd: 'site-cd',
  tno: 'tno',
  mod_type: 'mod-type',
  mod_mny: 'amount',
  rem_mny: 'remaining',
  mod_desc: 'reason',
  pay_type: 'pay-type',
  mod_bankcode: 'bank-code',
  mod_account: 'account',
  mod_depositor: 'depositor',
  extra: 'extra',
};

/** Every input that can show a field error. */
export const FIELD_INPUTS = [...new Set(Object.values(FIELD_TO_INPUT))];

export function fieldInput(field) {
  return FIELD_TO_INPUT[field] ?? null;
}

// KCP's limits and codes in these sentences are the core's facts (kcpFacts), handed over once
// the module is loaded: the page restates none of them.
let facts = null;

/** Hands over the core's facts (`kcpFacts()` of kcp-wasm), once it is loaded. */
export function useFacts(value) {
  facts = value;
}

const FIELD_SENTENCES = {
  site_cd: 'site_cd is your KCP merchant id: exactly 5 letters or digits, such as T0000.',
  tno: (f) => `tno is KCP's transaction number: 1 to ${f.tnoMaxDigits} digits, with no spaces or dashes.`,
  mod_type: 'This mod_type is not one KCP accepts on the cancel endpoint.',
  mod_mny: 'The amount must be a whole number of won, more than 0 and no more than the balance before it.',
  rem_mny: (f) => `The balance before must be a whole number of won (at most ${String(f.maxAmount).length} digits): what could still be cancelled before this request.`,
  mod_desc: (f) => `The reason must fit in ${f.maxReasonBytes} bytes of UTF-8 (about ${Math.floor(f.maxReasonBytes / 3)} Korean characters) and cannot contain line breaks or “^”.`,
  pay_type: (f) => `pay_type must be one of KCP’s payment types (${f.payTypes.map((p) => p.code).join(', ')}).`,
  mod_bankcode: 'A virtual-account refund needs the bank code, the account number and the depositor.',
  mod_account: 'A virtual-account refund needs the bank code, the account number and the depositor.',
  mod_depositor: 'A virtual-account refund needs the bank code, the account number and the depositor.',
  extra: 'Each extra line must be name=value, with a KCP field name that the request does not already set.',
};

/** Fields whose library message names the specifics of this input (worth showing under the sentence). */
const DETAILED_FIELDS = new Set(['mod_mny', 'rem_mny', 'mod_desc', 'extra', 'mod_type']);

const KEY_FILE = 'KCP_AUTH_<site_cd>_PRIKEY.pem';
const CERT_FILE = 'KCP_AUTH_<site_cd>_CERT.pem';

/**
 * @param {{code?: string, message?: string, field?: string, resCd?: string, resMsg?: string, resEnMsg?: string}} error
 * @param {{slot?: 'key'|'certificate', label?: string|null, passwordEmpty?: boolean, emulator?: boolean}} context
 * @returns {{text: string, detail?: string}}
 */
export function explain(error, context = {}) {
  const code = error?.code;
  const detail = error?.message ? `${code ?? 'Error'}: ${error.message}` : undefined;
  const label = context.label ?? null;
  switch (code) {
    case 'KEY_PASSWORD_INCORRECT':
      return {
        text: context.passwordEmpty
          ? 'This key is encrypted: enter its password.'
          : "Wrong password: the key could not be decrypted with it. Use the password set when the key was issued in KCP's merchant admin.",
        detail,
      };
    case 'KEY_MALFORMED':
      if (label === 'CERTIFICATE') return certificateInKeyBox(detail);
      return { text: `This is not a readable private key. Expected ${KEY_FILE}, a text file that starts with -----BEGIN ENCRYPTED PRIVATE KEY-----.`, detail };
    case 'KEY_FORMAT_UNSUPPORTED':
      if (label === 'CERTIFICATE' || /certificate/i.test(error.message ?? '')) return certificateInKeyBox(detail);
      return { text: 'This private key uses an encryption or algorithm kcp-wasm does not support (it needs an RSA key; legacy “Proc-Type: 4,ENCRYPTED” PEM files must be converted with openssl pkcs8 -topk8).', detail };
    case 'KEY_LIMIT_EXCEEDED':
      return { text: 'This key is outside the limits kcp-wasm accepts: RSA from 2048 to 4096 bits, a reasonable password-hashing cost, a file of normal size.', detail };
    case 'KEY_INCONSISTENT':
      return { text: "The key's own numbers disagree (its test signature failed): the file is damaged. Download it again from KCP's merchant admin.", detail };
    case 'CERT_IS_PRIVATE_KEY':
      return {
        text: `This is a private key, not a certificate: it goes in the Private key box. The certificate is ${CERT_FILE} and starts with -----BEGIN CERTIFICATE-----.`,
        detail,
      };
    case 'CERT_MALFORMED':
      if (label && /PRIVATE KEY/.test(label)) {
        return { text: `This is a private key, not a certificate: it goes in the Private key box. The certificate is ${CERT_FILE}.`, detail };
      }
      return { text: `This is not a readable certificate. Expected ${CERT_FILE}, a text file that starts with -----BEGIN CERTIFICATE-----.`, detail };
    case 'KEY_CERT_MISMATCH':
      return {
        text: 'The key and the certificate are not a pair, so KCP would reject every signature. Use the two files issued together for the same site_cd.',
        detail: error.message ? detail : undefined,
      };
    case 'FIELD_INVALID':
    case 'CONFIG_INVALID': {
      const entry = FIELD_SENTENCES[error.field];
      const sentence = typeof entry === 'function' ? (facts === null ? undefined : entry(facts)) : entry;
      if (!sentence) return { text: `The field ${error.field ?? ''} is invalid.`.replace('  ', ' '), detail };
      // The library's own words only where they add the specifics (amounts, byte counts, names).
      const specific = DETAILED_FIELDS.has(error.field) && error.message
        ? error.message.replace(/^invalid (field|configuration) `[^`]*`: /, '')
        : undefined;
      return { text: sentence, detail: specific ? `Here: ${specific}` : undefined };
    }
    case 'KCP_REJECTED':
      return { text: `${context.emulator ? 'The emulator' : 'KCP'} refused the request with res_cd ${error.resCd}${hint(error.resCd)}`, detail: [error.resMsg, error.resEnMsg].filter(Boolean).join(' · ') || undefined };
    case 'RESPONSE_INCONSISTENT':
      return { text: `The reply says 0000 but its ${error.field ?? 'fields'} disagree with the request: kcp-wasm refuses to report success.`, detail };
    case 'RESPONSE_MALFORMED':
      return { text: 'The reply is not a JSON object with res_cd.', detail };
    case 'HTTP_ERROR':
      return { text: `The server answered HTTP ${error.status ?? '?'} instead of a KCP reply.`, detail };
    case 'OUTCOME_UNKNOWN':
      return { text: 'No reply came back: the cancel may or may not have been applied. Inquire before sending it again.', detail };
    case 'NETWORK_ERROR':
      return { text: 'No reply came back (network failure or timeout). An inquiry is safe to retry.', detail };
    case 'RANDOM_UNAVAILABLE':
      return { text: "The browser's random number source is unavailable, so the key cannot be used safely here.", detail };
    case 'NOT_INITIALIZED':
      return { text: "kcp-wasm's WebAssembly module is not loaded: reload the page (and check `make build` ran).", detail };
    default:
      return { text: `Something unexpected went wrong${error?.message ? `: ${error.message}` : '.'}`, detail: code ? detail : undefined };
  }
}

function certificateInKeyBox(detail) {
  return {
    text: `This is a certificate, not a private key: it goes in the Certificate box. The key is ${KEY_FILE} and starts with -----BEGIN ENCRYPTED PRIVATE KEY-----.`,
    detail,
  };
}

const EMULATOR_HINTS = {
  E101: 'a required field is missing.',
  E102: 'a field has a value it does not accept.',
  E200: 'site_cd is not the merchant the emulator was set up with.',
  E201: "kcp_cert_info is not the merchant's certificate.",
  E202: 'kcp_sign_data does not verify over site_cd^tno^mod_type (or pay_type).',
  E300: 'it does not know this tno.',
  E301: 'this transaction is already fully cancelled. Reset the emulator to start over.',
  E302: 'rem_mny is not the balance it holds. After a partial refund the balance drops: enter the new balance before (see the ledger below), or reset the emulator.',
  E303: 'the amount is more than the balance it holds.',
  E304: 'the emulator only carries out STSC and STPC; real KCP may accept this mod_type.',
  E305: 'pay_type is not the one the transaction was paid with (see the ledger below; reset the emulator to seed it again).',
};

function hint(resCd) {
  const h = EMULATOR_HINTS[resCd];
  return h ? `: ${h}` : '.';
}
