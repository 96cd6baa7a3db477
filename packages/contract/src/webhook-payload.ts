import { z } from 'zod';
import { crawlCountsSchema, crawlCreatedSchema, crawlStatusSchema } from './crawl.js';

/**
 * The JSON body of a webhook delivery (`Kumo-Event: crawl.finished`): the crawl's final status and counts, and its
 * links (relative to the API's base URL, as in `POST /v1/crawls`'s answer).
 */
export const webhookPayloadSchema = z.object({
  id: z.string(),
  status: crawlStatusSchema,
  counts: crawlCountsSchema,
  truncated: z.boolean(),
  links: crawlCreatedSchema.shape.links,
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
