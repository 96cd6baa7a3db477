export { webhookSignature, verifyWebhookSignature, type VerifyOptions } from './webhook-signature.js';
export {
  webhookRetryDelay,
  webhookRetrySchedule,
  webhookBackoffStrategy,
  type WebhookBackoff,
} from './webhook-backoff.js';
export { postWebhook, type PostWebhookOptions, type PostWebhookResult } from './post-webhook.js';
export {
  createWebhookProcessor,
  webhookJobData,
  CRAWL_FINISHED_EVENT,
  type WebhookProcessorDeps,
} from './webhook-processor.js';
export { deliveryChannel, type DeliveryEvent, type DeliveryOutcome } from './delivery-events.js';
export { bridgeWebhookMetrics } from './webhook-metrics.js';
export {
  WebhooksErrorCode,
  WebhookBlockedError,
  WebhookConnectionError,
  WebhookCrawlGoneError,
  WebhookStatusError,
  InvalidWebhookJobError,
  WebhookOptionsError,
  WebhookTimeoutError,
} from './errors.js';
