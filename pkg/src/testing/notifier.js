// The emulator's notifier: KCP's common notification (공통 통보), delivered to the merchant's URL
// as a form POST and re-delivered, with back-off, until the reply acknowledges it (a form value
// `result` equal to KCP's acknowledgement code) or the attempts run out. Sources: beyond-cancel.md
// §4.1 (transport, A), §4.3 (reply and re-notification, A; KCP's schedule is unknown, so the
// emulator's is its own and configurable).

/**
 * Whether a merchant's reply acknowledges a notification: it carries a form value `result`
 * equal to `ackResult` (the core's `kcpFacts().notification.ackResult`). KCP's samples answer an
 * HTML form with `<input type="hidden" name="result" value="0000">`; a bare `result=0000` (form
 * encoded) is read too. The first `result` found decides.
 *
 * The one place the emulator decides this: the package's core may offer the same check
 * (`notificationAcknowledged(text)`); index.js can then pass it as the emulator's `acknowledged`.
 * @param {string} text the reply body
 * @param {string} ackResult
 * @returns {boolean}
 */
export function acknowledged(text, ackResult) {
  if (typeof text !== 'string' || typeof ackResult !== 'string') return false;
  for (const [tag] of text.matchAll(/<input\b[^>]*>/gi)) {
    const attrs = attributes(tag);
    if (attrs.name?.toLowerCase() === 'result') return attrs.value?.trim() === ackResult;
  }
  const form = /(?:^|[&?\s])result=([^&\s]*)/i.exec(text);
  if (form) {
    try {
      return decodeURIComponent(form[1].replace(/\+/g, ' ')).trim() === ackResult;
    } catch {
      return false;
    }
  }
  return false;
}

/** An HTML tag's attributes, names lower-cased: quoted with " or ', or bare. */
function attributes(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g)) {
    const name = m[1].toLowerCase();
    if (!(name in out)) out[name] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_INTERVAL_MS = 200;
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Builds the notifier. `url`: where to deliver (none: deposits are recorded, nothing is sent);
 * `attempts` (default 5), `intervalMs` (the wait before the 2nd attempt, doubling after; default
 * 200), `timeoutMs` (per attempt, default 5000); `fetch`: how to send (default the host's);
 * `isAcknowledged(text)`: the check; `onDelivery(record)`: called after each attempt.
 */
export function createNotifier({ url, attempts = DEFAULT_ATTEMPTS, intervalMs = DEFAULT_INTERVAL_MS, timeoutMs = DEFAULT_TIMEOUT_MS, fetch: send, isAcknowledged, onDelivery }) {
  if (url !== undefined && url !== null) {
    let parsed;
    try {
      parsed = new URL(String(url));
    } catch {
      throw new TypeError(`createKcpEmulator: notifyUrl ${JSON.stringify(url)} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('createKcpEmulator: notifyUrl must be http: or https:');
  }
  if (!(Number.isInteger(attempts) && attempts >= 1 && attempts <= 100)) throw new TypeError('createKcpEmulator: notifyAttempts must be an integer from 1 to 100');
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) throw new TypeError('createKcpEmulator: notifyIntervalMs must be >= 0');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('createKcpEmulator: notifyTimeoutMs must be > 0');
  if (send !== undefined && typeof send !== 'function') throw new TypeError('createKcpEmulator: notifyFetch must be a function');

  const log = [];
  const inFlight = new Set();
  const controller = new AbortController();
  let closed = false;

  /** Delivers one notification (`fields`: the form's fields) in the background. */
  function deliver(fields) {
    if (!url || closed) return false;
    const job = run(String(url), fields).finally(() => inFlight.delete(job));
    inFlight.add(job);
    return true;
  }

  async function run(target, fields) {
    const body = new URLSearchParams(fields).toString();
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1 && !(await sleep(intervalMs * 2 ** (attempt - 2), controller.signal))) return;
      if (closed) return;
      const record = { url: target, tno: fields.tno, notiId: fields.noti_id, txCd: fields.tx_cd, attempt, status: undefined, acknowledged: false, error: undefined, time: new Date().toISOString() };
      try {
        const signal = AbortSignal.any ? AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
        const res = await (send ?? globalThis.fetch)(target, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body,
          signal,
        });
        record.status = res.status;
        record.acknowledged = isAcknowledged(await res.text()) === true;
      } catch (e) {
        record.error = String(e?.cause?.code ?? e?.name ?? e?.message ?? e);
      }
      log.push(record);
      try {
        onDelivery?.({ ...record });
      } catch {
        // a logging hook must never stop a delivery
      }
      if (record.acknowledged || closed) return;
    }
  }

  return {
    deliver,
    url: () => (url ? String(url) : undefined),
    log: () => log.map((r) => ({ ...r })),
    pending: () => inFlight.size,
    /** Resolves once every delivery started so far is acknowledged or out of attempts. */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      return log.map((r) => ({ ...r }));
    },
    close() {
      closed = true;
      controller.abort();
    },
  };
}

/** Resolves true after ms, or false as soon as signal aborts. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
