import { z } from 'zod';
import { httpUrlSchema } from './http-url.js';
import { webhookRequestSchema } from './webhook.js';

/** Limits of `POST /v1/crawls`, from CONTRACT.md. */
export const CRAWL_REQUEST_LIMITS = {
  maxUrls: 100,
  maxDepth: 10,
  maxPages: 10_000,
  /** `include` and `exclude` patterns, each. */
  maxPatterns: 50,
  maxPatternLength: 512,
  /** `*` runs in one pattern: each may try every position of the URL, so they bound the cost of a match. */
  maxPatternWildcards: 16,
  maxHeaders: 20,
  maxHeaderNameLength: 64,
  maxHeaderValueLength: 1024,
  /** `politeness` bounds; the deployment's own limits are checked by the API. */
  maxDelayMs: 600_000,
  maxConcurrency: 1000,
  /** `glossary` entries, and the length of a term and of its reading. */
  maxGlossaryTerms: 200,
  maxGlossaryTermLength: 64,
} as const;

const httpUrl = httpUrlSchema();

export const crawlScopeSchema = z.enum(['same-host', 'same-site', 'any']);
export type CrawlScope = z.infer<typeof crawlScopeSchema>;

/**
 * A URL glob (see docs/api.md, "Include and exclude"): matched against the canonical absolute URL, `*` within a
 * `/`-separated segment, `**` across segments, everything else literal. It must start with a scheme (`https://`)
 * or a wildcard, since a pattern like `/blog/**` could never match an absolute URL.
 */
const urlGlob = z
  .string()
  .min(1)
  .max(CRAWL_REQUEST_LIMITS.maxPatternLength)
  .refine((value) => /^(?:[a-z][a-z0-9+.-]*:\/\/|\*)/i.test(value), {
    message: 'must be a glob on the absolute URL, starting with a scheme (https://) or *',
  })
  .refine((value) => (value.match(/\*+/g)?.length ?? 0) <= CRAWL_REQUEST_LIMITS.maxPatternWildcards, {
    message: `must have at most ${CRAWL_REQUEST_LIMITS.maxPatternWildcards} wildcards`,
  });

const urlGlobs = z.array(urlGlob).max(CRAWL_REQUEST_LIMITS.maxPatterns);

/** An HTTP header field name (RFC 9110 `token`). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Printable ASCII and tab: no CR, LF or NUL, so a value can never start another header. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Per-crawl request headers; which names a deployment accepts is the API's `CRAWL_ALLOWED_HEADERS`. */
export const crawlHeadersSchema = z
  .record(
    z
      .string()
      .max(CRAWL_REQUEST_LIMITS.maxHeaderNameLength)
      .regex(HEADER_NAME, { message: "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)" }),
    z
      .string()
      .max(CRAWL_REQUEST_LIMITS.maxHeaderValueLength)
      .regex(HEADER_VALUE, { message: 'must be printable ASCII (no CR, LF or other control characters)' }),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > CRAWL_REQUEST_LIMITS.maxHeaders) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${CRAWL_REQUEST_LIMITS.maxHeaders} headers` });
    }
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: 'duplicate header name' });
      seen.add(lower);
    }
  });

/** Per-host limits of one crawl; the API accepts only values stricter than the deployment's. */
export const crawlPolitenessSchema = z.strictObject({
  /** Minimum delay between request starts per host, in ms. */
  delayMs: z.int().min(0).max(CRAWL_REQUEST_LIMITS.maxDelayMs).optional(),
  /** Requests in flight per host. */
  concurrency: z.int().min(1).max(CRAWL_REQUEST_LIMITS.maxConcurrency).optional(),
});

/** What a crawl may keep of each fetched page beyond its PageResult (`store`), for `pages?include=` and the export. */
export const STORED_CONTENT = ['text', 'links'] as const;
export const storedContentSchema = z.enum(STORED_CONTENT);
export type StoredContent = z.infer<typeof storedContentSchema>;

/** `store`: each value at most once; absent (as on older crawls) means `[]`. */
const storeSchema = z
  .array(storedContentSchema)
  .max(STORED_CONTENT.length)
  .refine((values) => new Set(values).size === values.length, { message: 'must not repeat a value' });

/**
 * A domain term the analysis keeps whole (a product or company name): `reading` in katakana, `pos` an IPADIC top-level
 * part of speech (default 名詞).
 */
export const glossaryEntrySchema = z.strictObject({
  term: z.string().trim().min(1).max(CRAWL_REQUEST_LIMITS.maxGlossaryTermLength),
  reading: z
    .string()
    .max(CRAWL_REQUEST_LIMITS.maxGlossaryTermLength * 2)
    .regex(/^[\p{Script=Katakana}ー]+$/u, { message: 'must be katakana' })
    .optional(),
  pos: z.enum(['名詞', '動詞', '形容詞']).optional(),
});

/** What a `sources` entry lists: a sitemap (`urlset`, `sitemapindex`, gzip) or an RSS 2.0 / Atom feed. */
export const CRAWL_SOURCE_TYPES = ['sitemap', 'feed'] as const;
export const crawlSourceTypeSchema = z.enum(CRAWL_SOURCE_TYPES);
export type CrawlSourceType = z.infer<typeof crawlSourceTypeSchema>;

/** One `sources` entry: its entries become depth-0 pages of the crawl, like seeds. */
export const crawlSourceSchema = z.strictObject({ type: crawlSourceTypeSchema, url: httpUrl });
export type CrawlSource = z.infer<typeof crawlSourceSchema>;

/** The body of `POST /v1/crawls`. Unknown fields are rejected. */
export const crawlRequestSchema = z
  .strictObject({
    // `[]` is allowed (and the default) when `sources` lists something: one of the two must (refinement below).
    urls: z.array(httpUrl).max(CRAWL_REQUEST_LIMITS.maxUrls).default([]),
    // Optional without a default (absent means none), so stored requests of crawls created before it read the same.
    sources: z.array(crawlSourceSchema).max(CRAWL_REQUEST_LIMITS.maxUrls).optional(),
    maxDepth: z.int().min(0).max(CRAWL_REQUEST_LIMITS.maxDepth).default(1),
    maxPages: z.int().min(1).max(CRAWL_REQUEST_LIMITS.maxPages).default(100),
    scope: crawlScopeSchema.default('same-host'),
    analyze: z.boolean().default(true),
    // Optional and without defaults, so stored requests of crawls created before them read the same.
    include: urlGlobs.optional(),
    exclude: urlGlobs.optional(),
    politeness: crawlPolitenessSchema.optional(),
    headers: crawlHeadersSchema.optional(),
    webhook: webhookRequestSchema.optional(),
    store: storeSchema.optional(),
    glossary: z.array(glossaryEntrySchema).max(CRAWL_REQUEST_LIMITS.maxGlossaryTerms).optional(),
  })
  .superRefine((request, ctx) => {
    const total = request.urls.length + (request.sources?.length ?? 0);
    if (total === 0) {
      ctx.addIssue({ code: 'custom', path: ['urls'], message: 'urls or sources must list at least one URL' });
    } else if (total > CRAWL_REQUEST_LIMITS.maxUrls) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources'],
        message: `urls and sources together must list at most ${CRAWL_REQUEST_LIMITS.maxUrls} URLs`,
      });
    }
  });

/** A crawl request after defaults are applied. */
export type CrawlRequest = z.output<typeof crawlRequestSchema>;
/** A crawl request as a client may send it. */
export type CrawlRequestInput = z.input<typeof crawlRequestSchema>;
export type CrawlPoliteness = z.infer<typeof crawlPolitenessSchema>;
export type CrawlHeaders = z.infer<typeof crawlHeadersSchema>;
export type GlossaryEntryInput = z.infer<typeof glossaryEntrySchema>;
