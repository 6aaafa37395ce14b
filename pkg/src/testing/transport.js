// The emulator's two transports over one handler (handler.js): an in-process `fetch`, and a
// real HTTP server on loopback (`listen`, Node/Deno/Bun). Both turn an outcome (a response, a
// dropped connection, a reply that never comes) into what a real client would see.

const TEXT_TYPE = 'text/plain; charset=utf-8';
const NODE_HTTP = ['node', 'http'].join(':');
const MAX_BODY_BYTES = 1 << 20; // KCP requests are a few kilobytes

/** Builds `{ fetch, listen, close }` over `handle(request, signal)`. */
export function createTransport(handle) {
  const pendingHangs = new Set();
  let server = null;
  const sockets = new Set();
  let closed = false;

  // ---- transport 1: an in-process fetch ------------------------------------------------

  async function emulatorFetch(input, init) {
    if (closed) throw new TypeError('fetch failed', { cause: new Error('kcp-emulator: the emulator is closed') });
    const request = toRequest(input, init);
    const signal = init?.signal ?? request.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    const outcome = await handle(request, signal);
    switch (outcome.kind) {
      case 'response':
        if (signal?.aborted) throw abortReason(signal);
        return outcome.response;
      case 'drop':
        throw new TypeError('fetch failed', { cause: new Error('kcp-emulator: connection dropped (injected fault)') });
      case 'aborted':
        throw abortReason(signal);
      case 'hang':
        if (signal?.aborted) throw abortReason(signal);
        return new Promise((_, reject) => {
          // Like an open socket, a pending reply keeps the event loop alive; like a server's
          // idle timeout, it ends by itself (as a network failure) after outcome.hangMs.
          const settle = (err) => {
            clearTimeout(timer);
            pendingHangs.delete(pending);
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          };
          const onAbort = () => settle(abortReason(signal));
          const pending = { reject: settle };
          const timer = setTimeout(
            () => settle(new TypeError('fetch failed', { cause: new Error('kcp-emulator: the connection was closed without a reply') })),
            outcome.hangMs,
          );
          pendingHangs.add(pending);
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      default:
        throw new Error(`kcp-emulator: unexpected outcome ${outcome.kind}`);
    }
  }

  // ---- transport 2: real HTTP on loopback (Node) ---------------------------------------

  async function listen({ port = 0, host = '127.0.0.1' } = {}) {
    if (server) throw new Error('kcp-emulator: already listening');
    if (closed) throw new Error('kcp-emulator: the emulator is closed');
    // A computed specifier, so that bundlers for Workers and browsers (esbuild, wrangler, webpack,
    // Vite) leave it alone: listen() is the only part of the emulator that needs Node.
    let http;
    try {
      http = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_HTTP);
    } catch (cause) {
      throw new Error('kcp-emulator: listen() needs node:http (Node, Deno or Bun); elsewhere pass emulator.fetch to the client', { cause });
    }
    server = http.createServer((req, res) => {
      serveNode(req, res).catch((err) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': TEXT_TYPE });
          res.end(`kcp-emulator internal error: ${err?.message ?? err}`);
        } else {
          res.destroy();
        }
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
  }

  async function serveNode(req, res) {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': TEXT_TYPE, connection: 'close' });
        res.end('kcp-emulator: request body too large');
        return;
      }
      chunks.push(chunk);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // The Host header names the port the client used (URLs the emulator hands out use it).
    let base = 'http://127.0.0.1';
    if (typeof req.headers.host === 'string' && URL.canParse?.(`http://${req.headers.host}/`)) base = `http://${req.headers.host}`;
    const request = new Request(new URL(req.url ?? '/', base), {
      method,
      headers: req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {},
      body: hasBody ? concatBytes(chunks) : undefined,
    });
    const outcome = await handle(request, controller.signal);
    if (outcome.kind === 'drop') {
      req.socket.destroy();
    } else if (outcome.kind === 'response') {
      const { response } = outcome;
      const payload = new Uint8Array(await response.arrayBuffer());
      res.writeHead(response.status, {
        'content-type': response.headers.get('content-type') ?? TEXT_TYPE,
        'content-length': payload.length,
      });
      res.end(payload);
    } else if (outcome.kind === 'hang') {
      // Say nothing: the caller's timeout closes the socket, or close() destroys it, or, like a
      // server's idle timeout, we close it after hangMs.
      const timer = setTimeout(() => req.socket.destroy(), outcome.hangMs);
      timer.unref?.(); // the listening server, not this timer, keeps the process alive
      res.on('close', () => clearTimeout(timer));
    }
    // 'aborted': the caller is already gone.
  }

  async function close() {
    closed = true;
    for (const pending of [...pendingHangs]) {
      pending.reject(new TypeError('fetch failed', { cause: new Error('kcp-emulator: closed') }));
    }
    if (server) {
      const s = server;
      server = null;
      const done = new Promise((resolve) => s.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await done;
    }
  }

  return { fetch: emulatorFetch, listen, close };
}

function toRequest(input, init) {
  // The signal is watched by the emulator itself (some runtimes' Request refuses foreign signals).
  const { signal: _signal, ...rest } = init ?? {};
  if (typeof Request !== 'undefined' && input instanceof Request) {
    return init === undefined ? input : new Request(input, rest);
  }
  let url = input instanceof URL ? input.href : String(input);
  // A bare path is fine here: the emulator ignores the host.
  if (url.startsWith('/')) url = `http://kcp-emulator.invalid${url}`;
  return new Request(url, rest);
}

function abortReason(signal) {
  if (signal?.reason !== undefined) return signal.reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

function concatBytes(chunks) {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
