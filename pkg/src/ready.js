// Whether the WebAssembly module is loaded, and the one way every export calls into it:
// NOT_INITIALIZED before it is, and the facade's errors shaped once (errors.js) after.
import { kcpError, toKcpError } from './errors.js';

let ready = false;

export function isReady() {
  return ready;
}

export function markReady() {
  ready = true;
}

export function call(fn) {
  if (!ready) {
    throw kcpError('NOT_INITIALIZED', { message: "kcp-wasm is not initialized: `await init()` once before calling it (only needed in browsers and bundlers' default entry)" });
  }
  try {
    return fn();
  } catch (error) {
    throw toKcpError(error);
  }
}
