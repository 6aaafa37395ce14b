// The KCP emulator, assembled: the ledger (ledger.js: transactions, balances, KCP's money
// rules), the routes (routes.js: request checks, replies in KCP's shape), fault injection
// (faults.js), one request start to finish (handler.js) and the transports (transport.js: the
// in-process fetch and the loopback HTTP server).
//
// It knows nothing of certificates or RSA itself: the caller hands it `verifySignature` and
// `serializeCertificate` (index.js passes the package's own, so every runtime checks
// signatures with the same wasm code merchants sign with). It uses only web-standard
// Request/Response, so it runs in Node, workerd, Deno, Bun and browsers; `listen` loads
// `node:http` lazily, only when called.
import { createLedger } from './ledger.js';
import { createRoutes } from './routes.js';
import { createFaults } from './faults.js';
import { createHandler } from './handler.js';
import { createTransport } from './transport.js';
import { createNotifier, acknowledged } from './notifier.js';

export { REFUSALS, KCP_CODES } from './refusals.js';
export { CANCEL_PATH, INQUIRY_PATH } from './routes.js';
export { kcpTime, parseAmount } from './ledger.js';
export { acknowledged } from './notifier.js';
export { WINDOW_PATH, DEPOSIT_PATH, NOTIFICATIONS_PATH } from './payments.js';

/**
 * Builds an emulator. `verifier` is `{ verifySignature(certPem, plaintext, signature): boolean,
 * serializeCertificate(pem): string }`; `facts` is the core's `kcpFacts()` (paths, limits, the
 * `tno` rule): the emulator restates none of them. Everything else is documented in index.d.ts.
 */
export function createEmulator(options = {}) {
  const {
    merchants = [], transactions = [], faults = [], verifier, facts, clock = () => new Date(), onRequest,
    groupId, vaSuccessCode, isAcknowledged: coreAcknowledged, notifyUrl, notifyAttempts, notifyIntervalMs, notifyTimeoutMs, notifyFetch, onNotification,
  } = options;
  if (!verifier || typeof verifier.verifySignature !== 'function' || typeof verifier.serializeCertificate !== 'function') {
    throw new TypeError('createKcpEmulator: a verifier with verifySignature and serializeCertificate is required');
  }
  if (!facts || typeof facts.modifyPath !== 'string' || typeof facts.maxAmount !== 'number' || typeof facts.hubPath !== 'string' || !facts.hubPayMethods) {
    throw new TypeError("createKcpEmulator: the core's facts (kcpFacts() of kcp-wasm) are required");
  }
  if (groupId !== undefined && (typeof groupId !== 'string' || !/^[A-Za-z0-9]{5}[0-9]{1,15}$/.test(groupId))) {
    throw new TypeError('createKcpEmulator: groupId must be a site_cd-like prefix followed by digits, e.g. BA0011000348');
  }
  if (vaSuccessCode !== undefined && !facts.vaSuccessCodes.includes(vaSuccessCode)) {
    throw new TypeError(`createKcpEmulator: vaSuccessCode must be one of ${facts.vaSuccessCodes.join(', ')}`);
  }
  // The one check of a merchant's reply to a notification: the core's when index.js hands it
  // in, else notifier.js's.
  const isAcknowledged = typeof coreAcknowledged === 'function'
    ? (text) => coreAcknowledged(text) === true
    : (text) => acknowledged(text, facts.notification.ackResult);
  const notifier = createNotifier({
    url: notifyUrl, attempts: notifyAttempts, intervalMs: notifyIntervalMs, timeoutMs: notifyTimeoutMs,
    fetch: notifyFetch, isAcknowledged, onDelivery: onNotification,
  });
  const ledger = createLedger({ merchants, transactions, verifier, facts });
  const faultQueue = createFaults(faults);
  const routes = createRoutes({ ledger, verifier, facts, clock, notifier, groupId, vaSuccessCode: vaSuccessCode ?? facts.vaSuccessCodes[0] });
  const { handle, requests } = createHandler({ routes, faults: faultQueue, onRequest });
  const transport = createTransport(handle);
  const close = async () => {
    notifier.close();
    await transport.close();
  };

  return {
    fetch: transport.fetch,
    ledger: ledger.get,
    ledgers: ledger.all,
    billingKey: ledger.billingKey,
    billingKeys: ledger.billingKeys,
    addTransaction: ledger.addTransaction,
    inject: faultQueue.inject,
    pendingFaults: faultQueue.pending,
    requests,
    notifications: notifier.log,
    settled: notifier.settled,
    listen: transport.listen,
    close,
    // `await using emulator = createKcpEmulator(…)`, where the runtime has it.
    ...(typeof Symbol.asyncDispose === 'symbol' ? { [Symbol.asyncDispose]: close } : {}),
  };
}
