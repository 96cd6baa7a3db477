import { z } from 'zod';
import { httpUrlSchema } from './http-url.js';

// Webhooks (CONTRACT.md, "Webhooks"): the `webhook` field of a crawl request, what `GET /v1/crawls/:id` shows of it,
// and the body kumo POSTs to its `url` when the crawl reaches a final status.

/** Limits of the `webhook` request field. */
export const WEBHOOK_LIMITS = {
  maxUrlLength: 2048,
  /** A secret shorter than this is too easy to guess for an HMAC key. */
  minSecretLength: 16,
  maxSecretLength: 256,
} as const;

/** A visible-ASCII secret, so it reads the same whatever the receiver's encoding of its configuration. */
const SECRET = /^[\x21-\x7e]+$/;

const webhookUrl = httpUrlSchema(WEBHOOK_LIMITS.maxUrlLength).refine((value) => !/^[a-z]+:\/\/[^/?#]*@/i.test(value), {
  message: 'must not carry credentials (user:password@); sign deliveries with a secret instead',
});

/**
 * `webhook` of `POST /v1/crawls`: where to POST when the crawl ends, and the secret deliveries are signed with
 * (`Kumo-Signature`). The secret is never returned: `Crawl.request.webhook` and `Crawl.webhook` hold the URL only.
 */
export const webhookRequestSchema = z.strictObject({
  url: webhookUrl.describe('Absolute http(s) URL that receives a POST when the crawl reaches a final status'),
  secret: z
    .string()
    .min(WEBHOOK_LIMITS.minSecretLength)
    .max(WEBHOOK_LIMITS.maxSecretLength)
    .regex(SECRET, { message: 'must be visible ASCII characters (no spaces or control characters)' })
    .optional()
    .describe('HMAC-SHA256 key of the Kumo-Signature header (16-256 visible ASCII characters); never returned'),
});
export type WebhookRequest = z.infer<typeof webhookRequestSchema>;

/** One delivery attempt, as `GET /v1/crawls/:id` shows it. */
export const webhookDeliverySchema = z.object({
  at: z.iso.datetime().describe('When the attempt ended'),
  status: z.int().describe("The receiver's HTTP status; 0 when no response came (timeout, refused, unreachable)"),
  attempt: z.int().min(1).describe('1 for the first attempt; retries count on'),
  error: z.string().optional().describe('The kumo error code when the attempt got no 2xx (e.g. KUMO_WEBHOOKS_TIMEOUT)'),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** `Crawl.webhook`: the URL (never the secret) and the latest delivery attempts, oldest first. */
export const crawlWebhookSchema = z.object({
  url: z.string(),
  deliveries: z.array(webhookDeliverySchema).describe('The latest attempts (at most 20), oldest first'),
});
export type CrawlWebhook = z.infer<typeof crawlWebhookSchema>;
