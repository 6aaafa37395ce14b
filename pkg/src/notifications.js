// KCP's common notification (공통 통보): the form POST KCP sends to the merchant's registered URL
// (virtual-account deposits, escrow events, …), with no signature. Reading the body, the reply
// KCP expects, the notifier addresses: all the core's (src/api/notification.rs). This file only
// adds what the Fetch API needs: a `Request` → `Response` handler.
import * as wasm from '../dist/wasm/kcp_wasm.js';
import { kcpError } from './errors.js';
import { call } from './ready.js';

function bodyBytes(body) {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw kcpError('FIELD_INVALID', { message: 'the notification body must be a string, a Uint8Array or an ArrayBuffer', field: 'body' });
}

function charsetOption(options) {
  if (options === undefined || options === null) return 'auto';
  if (typeof options !== 'object') throw kcpError('CONFIG_INVALID', { message: 'options must be an object' });
  return options.charset === undefined ? 'auto' : requireCharset(options.charset);
}

/**
 * Reads KCP's notification body (application/x-www-form-urlencoded; UTF-8 or EUC-KR as the
 * merchant's KCP setting says, `auto` by default: the core's rule) into a typed notification. A string body is
 * read as its UTF-8 bytes: pass the bytes for a body in EUC-KR that is not percent-encoded.
 * Throws NOTIFICATION_MALFORMED (no valid `tno`, a bad `%` escape, over 64 KiB, not UTF-8 under
 * 'utf-8', an amount that is not a number); the message never quotes the body.
 */
export function parseNotification(body, options) {
  const charset = charsetOption(options);
  const bytes = bodyBytes(body);
  return call(() => {
    const max = wasm.maxNotificationBytes();
    // Refused before it is copied into wasm memory (the core refuses it too).
    if (bytes.byteLength > max) throw bodyTooLarge(max);
    return wasm.parseNotification(bytes, charset);
  });
}

/** The HTML body KCP expects: `result` `0000` when `ok` (KCP stops), a refusal otherwise (KCP notifies again). */
export function notificationReply(ok = true) {
  return call(() => wasm.notificationReply(ok === true));
}

/**
 * Whether a reply to a notification acknowledges it: an element named `result` whose value is
 * `0000` (quotes, case and attribute order as HTML allows). A bare `0000` body is not.
 */
export function notificationAcknowledged(text) {
  if (typeof text !== 'string') return false;
  return call(() => wasm.notificationAcknowledged(text));
}

/**
 * Whether `ip` is one of KCP's notifier addresses for `environment` ('staging' | 'production').
 * Strict (`a.b.c.d` or `::ffff:a.b.c.d`, nothing else). Pass the address your platform vouches
 * for (e.g. `cf-connecting-ip` on Cloudflare), never `X-Forwarded-For` as the client sent it.
 */
export function isKcpNotifierIp(ip, environment = 'production') {
  if (typeof environment !== 'string') {
    throw kcpError('CONFIG_INVALID', { message: "environment must be 'staging' or 'production'", field: 'environment' });
  }
  if (typeof ip !== 'string') return false;
  return call(() => wasm.isKcpNotifierIp(ip, environment));
}

/**
 * Form-encodes `{ name: value }` (values strings, or numbers written in decimal) in `charset`
 * ('utf-8' by default, or 'euc-kr'), as KCP posts a notification: for tests and emulators.
 */
export function encodeNotification(fields, options) {
  const charset = charsetOption(options);
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw kcpError('FIELD_INVALID', { message: 'fields must be an object of name → value', field: 'fields' });
  }
  const strings = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'number' && Number.isFinite(value)) strings[name] = String(value);
    else strings[name] = value;
  }
  return call(() => wasm.encodeNotification(strings, charset));
}

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

/**
 * A Fetch API handler (`Request` → `Response`) for KCP's notification URL. See the .d.ts for the
 * whole contract; in short: POST only (405), the sender's address checked when `clientIp` is
 * given (403), the body read (at most the core's limit: 413) and parsed (400), then
 * `await onNotification(notification, request)`; `result` `0000` (200) only after it resolved,
 * a refusal (500) when it threw, so that KCP notifies again. Every refusal carries the refusal
 * HTML and no error text.
 */
export function createNotificationHandler(options) {
  if (options === null || typeof options !== 'object') {
    throw kcpError('CONFIG_INVALID', { message: 'createNotificationHandler options must be an object' });
  }
  const { onNotification, environment = 'production', charset = 'auto', clientIp, allowAnyIp = false, onError } = options;
  if (typeof onNotification !== 'function') {
    throw kcpError('CONFIG_INVALID', { message: 'onNotification must be a function', field: 'onNotification' });
  }
  if (clientIp !== undefined && typeof clientIp !== 'function') {
    throw kcpError('CONFIG_INVALID', { message: 'clientIp must be a function (request) => string', field: 'clientIp' });
  }
  if (typeof allowAnyIp !== 'boolean') {
    throw kcpError('CONFIG_INVALID', { message: 'allowAnyIp must be a boolean', field: 'allowAnyIp' });
  }
  if (clientIp === undefined && !allowAnyIp) {
    throw kcpError('CONFIG_INVALID', {
      message:
        "pass clientIp: (request) => the sender's address as your platform vouches for it (e.g. request.headers.get('cf-connecting-ip') on Cloudflare), " +
        'so that only KCP can notify; or allowAnyIp: true for local tests (then anyone who knows the URL can post a notification)',
      field: 'clientIp',
    });
  }
  if (clientIp !== undefined && allowAnyIp) {
    throw kcpError('CONFIG_INVALID', { message: 'clientIp and allowAnyIp: true contradict each other; pass one', field: 'allowAnyIp' });
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw kcpError('CONFIG_INVALID', { message: 'onError must be a function', field: 'onError' });
  }
  // The core checks the names (one validation owner).
  isKcpNotifierIp('', environment);
  const parseOptions = { charset: call(() => wasm.notificationCharset(requireCharset(charset))) };
  const maxBytes = call(() => wasm.maxNotificationBytes());

  const refuse = (status, error, request, headers = {}) => {
    if (error !== undefined && onError !== undefined) {
      try {
        onError(error, request);
      } catch {
        // A failing logger must not change the reply.
      }
    }
    return new Response(notificationReply(false), { status, headers: { ...HTML, ...headers } });
  };

  return async function handleKcpNotification(request) {
    if (request.method !== 'POST') return refuse(405, undefined, request, { allow: 'POST' });
    if (clientIp !== undefined) {
      let ip;
      try {
        ip = await clientIp(request);
      } catch (error) {
        return refuse(403, error, request);
      }
      if (typeof ip !== 'string' || !isKcpNotifierIp(ip, environment)) {
        return refuse(403, kcpError('CONFIG_INVALID', { message: 'the notification came from an address that is not a KCP notifier', field: 'clientIp' }), request);
      }
    }
    let bytes;
    try {
      bytes = await readBounded(request, maxBytes);
    } catch (error) {
      return refuse(error?.tooLarge ? 413 : 400, error, request);
    }
    let notification;
    try {
      notification = parseNotification(bytes, parseOptions);
    } catch (error) {
      return refuse(400, error, request);
    }
    try {
      await onNotification(notification, request);
    } catch (error) {
      return refuse(500, error, request);
    }
    return new Response(notificationReply(true), { status: 200, headers: HTML });
  };
}

function requireCharset(charset) {
  if (typeof charset !== 'string') {
    throw kcpError('CONFIG_INVALID', { message: "charset must be 'utf-8', 'euc-kr' or 'auto'", field: 'charset' });
  }
  return charset;
}

/** NOTIFICATION_MALFORMED for a body over `max` bytes. */
function bodyTooLarge(max) {
  return kcpError('NOTIFICATION_MALFORMED', { message: `the notification could not be read: the body is larger than ${max} bytes` });
}

/** The request body's bytes, refused beyond `max` without reading further. */
async function readBounded(request, max) {
  // Marked for the handler, which answers it with 413.
  const tooLarge = () => Object.assign(bodyTooLarge(max), { tooLarge: true });
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
