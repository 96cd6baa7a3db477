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
  return server;
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
  socket.end(`${head.join('\r\n')}\r\n\r\n${json}`, () => socket.destroy());
}
