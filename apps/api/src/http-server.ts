import http, { type RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ApiError, HeadersTooLargeError, MalformedHttpError, RequestTimeoutError } from './errors.js';
import { toProblemResponse } from './problems.js';

export interface ApiServerOptions {
  /** A request (headers and body) not fully received after this long is answered 408 (`API_REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs: number;
  /** …and one whose headers are not received after this long (`API_HEADERS_TIMEOUT_MS`, capped at the above). */
  headersTimeoutMs: number;
  /** How often Node checks those deadlines. Default 1000 ms (Node's own 30 s would let a slow body run 30 s over). */
  checkIntervalMs?: number;
}

/**
 * The API's HTTP server. Slow requests are cut: Node's `requestTimeout` covers receiving the request only, so event
 * streams and exports (long responses to complete requests) are not affected. What Node refuses before the app sees
 * a request (headers too large, a request that never finishes arriving, bytes that are not HTTP) is answered as a
 * problem+json with its code, like every other error, instead of Node's empty-bodied 431/408/400.
 */
export function createApiServer(listener: RequestListener, options: ApiServerOptions): http.Server {
  const server = http.createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      // Node refuses a headers timeout above the request timeout.
      headersTimeout: Math.min(options.headersTimeoutMs, options.requestTimeoutMs),
      connectionsCheckingInterval: options.checkIntervalMs ?? 1000,
    },
    listener,
  );
  server.on('clientError', answerClientError);
  checkDeadlinesWhileConnected(server, options.checkIntervalMs ?? 1000);
  return server;
}

/** Node's name for the server's deadline-checking interval timer (`_http_server.js`, Node 18-24). */
const CHECKING_INTERVAL = 'http.server.connectionsCheckingInterval';

/**
 * Node checks the deadlines above on an interval that runs for the server's whole life, waking an idle API process
 * every `checkIntervalMs` (issue 21 point 8; lesson 1: idle processes use ~0 % CPU). Deadlines only concern open
 * connections, so the same check (Node's own function) runs only while the server has any. Node exposes neither the
 * timer nor the check: both are found by the timer's symbol; if a Node version names them otherwise, Node's own
 * interval is left as it is.
 */
function checkDeadlinesWhileConnected(server: http.Server, intervalMs: number): void {
  // Node arms its interval on `listening`, in a listener added before this one.
  server.once('listening', () => {
    const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === CHECKING_INTERVAL);
    const slots = server as unknown as Record<symbol, NodeJS.Timeout | undefined>;
    const check = key && (slots[key] as { _onTimeout?: unknown } | undefined)?._onTimeout;
    if (!key || typeof check !== 'function') return;
    clearInterval(slots[key]);
    let open = 0;
    server.on('connection', (socket: Duplex) => {
      // Stored where Node keeps its own, so that `server.close()` clears it as before.
      if (open++ === 0) slots[key] = setInterval(check as () => void, intervalMs).unref();
      socket.once('close', () => {
        if (--open === 0) clearInterval(slots[key]);
      });
    });
  });
}

/** Whether the server's deadline check is armed now (for tests). */
export function deadlineCheckArmed(server: http.Server): boolean {
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === CHECKING_INTERVAL);
  if (!key) return false;
  const timer = (server as unknown as Record<symbol, { _destroyed?: boolean } | undefined>)[key];
  return timer !== undefined && timer._destroyed !== true;
}

function clientErrorOf(error: Error & { code?: string }): ApiError | undefined {
  const code = error.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') return new HeadersTooLargeError(error);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RequestTimeoutError(error);
  if (code.startsWith('HPE_')) return new MalformedHttpError(error);
  // ECONNRESET and other socket errors: there is nobody left to answer.
  return undefined;
}

/** The server's `clientError` handler: one problem+json answer when one can still be sent, then the socket closes. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const apiError = clientErrorOf(error);
  // A response already under way on this connection cannot be followed by another one (Node's own check).
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!apiError || !socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  const { status, headers, body } = toProblemResponse(apiError);
  const json = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  // A lingering close: what the client still sends (the rest of a request line of megabytes) is read and dropped
  // until it stops or LINGER_MS pass. Closing with unread bytes would make the kernel reset the connection, and a
  // reset can reach the client before it has read the answer (it sees ECONNRESET instead of the 431).
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  socket.once('end', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${json}`);
}

/** How long a connection answered by `answerClientError` may go on sending before it is closed anyway. */
const LINGER_MS = 2000;
