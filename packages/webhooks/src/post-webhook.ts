import { BlockedAddressError } from '@kumo/crawler';
import type { KumoError } from '@kumo/errors';
import type { Dispatcher } from 'undici';
import { WebhookBlockedError, WebhookConnectionError, WebhookStatusError, WebhookTimeoutError } from './errors.js';

// One delivery attempt on the wire: a POST through the crawler's safe agent (the address policy checked at connect
// time), no redirect followed, one deadline for the whole exchange, and the answer's body read only up to a limit.

export interface PostWebhookOptions {
  /** The crawler's safe agent (`createSafeAgent` of @kumo/crawler): it refuses non-public addresses. */
  dispatcher: Dispatcher;
  /** Deadline of the attempt: connect, headers and body (`WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Bytes of the receiver's answer read (and dropped) at most; past them the connection is closed. @defaultValue 65536 */
  maxResponseBytes?: number;
}

/** What one attempt got: the receiver's status (2xx: delivered). */
export interface PostWebhookResult {
  status: number;
}

/** A webhook's receiver answering with no 2xx: retried (the status is kept for the delivery record). */
export type WebhookAttemptError = KumoError & { status: number };

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** undici's and Node's timeout codes. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function findInCauses<T>(error: unknown, match: (value: unknown) => value is T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (match(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What went wrong as a coded error: refused by policy (permanent), timed out or unreachable (transient). */
function attemptError(error: unknown, timedOut: boolean, url: string): KumoError {
  const blocked = findInCauses(error, (value): value is BlockedAddressError => value instanceof BlockedAddressError);
  if (blocked) return new WebhookBlockedError(`${blocked.message}: webhook ${url} not delivered`, { cause: blocked });
  const code = (error as { code?: unknown } | null)?.code;
  if (timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new WebhookTimeoutError(`webhook ${url} did not answer in time`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new WebhookConnectionError(`webhook ${url} unreachable: ${message}`, { cause: error });
}

/**
 * POSTs `body` to `url`. Resolves with the status on a 2xx; otherwise throws `WebhookStatusError` (with `status`),
 * `WebhookTimeoutError`, `WebhookConnectionError` or — for an address the policy refuses — `WebhookBlockedError`.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: PostWebhookOptions,
): Promise<PostWebhookResult> {
  const target = new URL(url);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    // `dispatcher.request` never follows redirects: a 3xx is an answer like any other non-2xx.
    const response = await options.dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
      signal: controller.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const status = response.statusCode;
    // The answer's body means nothing to us: read a little (so the connection may be reused), then let it go.
    await response.body.dump({ limit: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES }).catch(() => undefined);
    if (status < 200 || status > 299) {
      const error = new WebhookStatusError(`webhook ${url} answered HTTP ${status}`) as WebhookAttemptError;
      error.status = status;
      throw error;
    }
    return { status };
  } catch (error) {
    if ((error as Partial<KumoError>).code === WebhookStatusError.code) throw error;
    throw attemptError(error, timedOut, url);
  } finally {
    clearTimeout(timer);
  }
}
