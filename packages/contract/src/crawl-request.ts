import { z } from 'zod';

/** Limits of `POST /v1/crawls`, from CONTRACT.md. */
export const CRAWL_REQUEST_LIMITS = {
  maxUrls: 100,
  maxDepth: 10,
  maxPages: 10_000,
} as const;

const httpUrl = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute http or https URL' },
  );

export const crawlScopeSchema = z.enum(['same-host', 'same-site', 'any']);
export type CrawlScope = z.infer<typeof crawlScopeSchema>;

/** The body of `POST /v1/crawls`. Unknown fields are rejected. */
export const crawlRequestSchema = z.strictObject({
  urls: z.array(httpUrl).min(1).max(CRAWL_REQUEST_LIMITS.maxUrls),
  maxDepth: z.int().min(0).max(CRAWL_REQUEST_LIMITS.maxDepth).default(1),
  maxPages: z.int().min(1).max(CRAWL_REQUEST_LIMITS.maxPages).default(100),
  scope: crawlScopeSchema.default('same-host'),
  analyze: z.boolean().default(true),
});

/** A crawl request after defaults are applied. */
export type CrawlRequest = z.output<typeof crawlRequestSchema>;
/** A crawl request as a client may send it. */
export type CrawlRequestInput = z.input<typeof crawlRequestSchema>;
