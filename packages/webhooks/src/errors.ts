import { defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const WebhooksErrorCode = errorCodesOf('packages/webhooks');
export type WebhooksErrorCode = ErrorCodeOf<'packages/webhooks'>;

/**
 * The errors of a delivery, grouped by what the worker does with them (their kinds come from the catalog):
 * - `WebhookBlockedError` (permanent): the address policy refused the receiver's address; never retried;
 * - `WebhookStatusError`, `WebhookTimeoutError`, `WebhookConnectionError` (transient): retried on the back-off
 *   schedule until the attempts run out;
 * - `WebhookCrawlGoneError`, `InvalidWebhookJobError` (permanent): nothing to deliver;
 * - `WebhookOptionsError` (critical): the app is misconfigured.
 */
export const {
  WebhookBlockedError,
  WebhookConnectionError,
  WebhookCrawlGoneError,
  WebhookStatusError,
  InvalidWebhookJobError,
  WebhookOptionsError,
  WebhookTimeoutError,
} = defineErrors({
  WebhookBlockedError: WebhooksErrorCode.BLOCKED_ADDRESS,
  WebhookConnectionError: WebhooksErrorCode.CONNECTION,
  WebhookCrawlGoneError: WebhooksErrorCode.CRAWL_GONE,
  WebhookStatusError: WebhooksErrorCode.HTTP_STATUS,
  InvalidWebhookJobError: WebhooksErrorCode.INVALID_JOB,
  WebhookOptionsError: WebhooksErrorCode.INVALID_OPTIONS,
  WebhookTimeoutError: WebhooksErrorCode.TIMEOUT,
});
