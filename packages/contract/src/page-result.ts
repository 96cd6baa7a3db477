import { z } from 'zod';
import { analysisSchema } from './analysis.js';

export const pageStatusSchema = z.enum(['fetched', 'failed', 'skipped']);
export type PageStatus = z.infer<typeof pageStatusSchema>;

export const pageErrorSchema = z.object({ code: z.string(), message: z.string() });
export type PageError = z.infer<typeof pageErrorSchema>;

export const pageTimingsSchema = z.object({
  fetchMs: z.number().optional(),
  parseMs: z.number().optional(),
  analyzeMs: z.number().optional(),
});
export type PageTimings = z.infer<typeof pageTimingsSchema>;

/** One crawled URL: fetched, failed or skipped. `analysis` is attached once the page is analysed. */
export const pageResultSchema = z.object({
  url: z.string(),
  finalUrl: z.string(),
  depth: z.int(),
  status: pageStatusSchema,
  httpStatus: z.int().optional(),
  contentType: z.string().optional(),
  /** WHATWG label of the encoding the page was actually decoded with. */
  charset: z.string().optional(),
  title: z.string().optional(),
  lang: z.string().optional(),
  bytes: z.int().optional(),
  textLength: z.int().optional(),
  /** Number of followable links found on the page. */
  links: z.int().optional(),
  /**
   * True when the server answered `304 Not Modified` to a conditional request (a crawl with a `previousId`): the
   * page's fields, links and analysis are those of the previous run. Absent otherwise.
   */
  notModified: z.boolean().optional(),
  /**
   * Present only on the result of a `sources` entry (and of each sitemap a sitemap index lists): what was read. Its
   * entries are pages of their own; the source's result counts like a page in `counts` (it is one fetch).
   */
  kind: z.enum(['sitemap', 'feed']).optional(),
  /** On a source's result: the entries it listed and handed on (pages, or the sitemaps of an index), errors aside. */
  entries: z.int().optional(),
  /** Why the page was skipped: robots, content-type, too-large, out-of-scope, cancelled, max-pages, … */
  reason: z.string().optional(),
  error: pageErrorSchema.optional(),
  timings: pageTimingsSchema,
  analysis: analysisSchema.optional(),
  /** The page's visible text: only with `include=text`, on a crawl that stored it (`store: ["text"]`), fetched pages. */
  text: z.string().optional(),
  /**
   * The page's absolute outgoing links (normalised, in document order, without repeats, at most 1,000): only with
   * `include=links`, on a crawl that stored them (`store: ["links"]`), fetched pages.
   */
  outLinks: z.array(z.string()).optional(),
});
export type PageResult = z.infer<typeof pageResultSchema>;
