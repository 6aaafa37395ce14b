// kcp-wasm/testing: a local emulator of KCP's endpoints (cancel/refund, inquiry, approval, the
// hub, trade registration) and of its notifications, for merchants' own tests and for
// `make demo`. See docs/emulator.md in this package.
//
// Signatures and certificates are checked with the package's own wasm code, imported by the
// package's name so that each runtime (node, workerd, deno, browser) loads its own entry.
import * as core from 'kcp-wasm';
import { createEmulator, REFUSALS, CANCEL_PATH, INQUIRY_PATH, WINDOW_PATH, DEPOSIT_PATH, NOTIFICATIONS_PATH } from './emulator.js';

const { verifySignature, serializeCertificate, kcpFacts } = core;

/**
 * Creates an emulator with its own ledger. See index.d.ts for the options and the result.
 * @param {import('./index.d.ts').KcpEmulatorOptions} options
 */
export function createKcpEmulator(options = {}) {
  return createEmulator({
    ...options,
    verifier: options.verifier ?? { verifySignature, serializeCertificate },
    // Whether a merchant's reply acknowledges a notification: the core's check where this build
    // of the package has one, else the emulator's own (notifier.js `acknowledged`).
    isAcknowledged: typeof core.notificationAcknowledged === 'function' ? core.notificationAcknowledged : undefined,
    facts: kcpFacts(),
  });
}

/** The emulator's refusal codes (`res_cd`), with their Korean and English messages. */
export const EMULATOR_REFUSAL_CODES = REFUSALS;
export { CANCEL_PATH, INQUIRY_PATH, WINDOW_PATH, DEPOSIT_PATH, NOTIFICATIONS_PATH };
