import { createHash } from 'node:crypto';

/**
 * The three queues of a crawl flow, `webhook` (one delivery per finished crawl that asked for one) and `schedule`
 * (the runs of schedules, added by BullMQ job schedulers).
 */
export const QUEUE_NAMES = {
  crawl: 'crawl',
  analyze: 'analyze',
  aggregate: 'aggregate',
  webhook: 'webhook',
  schedule: 'schedule',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** What a `crawl` job that reads a `sources` entry (a sitemap or feed) carries beside its URL. */
export interface SourceJobData {
  type: 'sitemap' | 'feed';
  /** Sitemap index levels above this sitemap (0 for the request's own source). @defaultValue 0 */
  level?: number;
  /** Sitemaps this one and those it lists may still fetch. @defaultValue the worker's `CRAWL_SOURCE_MAX_SITEMAPS` */
  budget?: number;
}

/** A `crawl` job: fetch one admitted URL (a page, or with `source` a sitemap or feed whose entries become pages). */
export interface CrawlJobData {
  crawlId: string;
  /** The normalised URL, as admitted into the seen-set (a source as `sourceKeyOf(url)`). */
  url: string;
  /** Link depth: seeds are 0. */
  depth: number;
  /** Set when the job reads a sitemap or feed. */
  source?: SourceJobData;
}

/**
 * What a source is admitted (seen-set) and recorded (page index) under: its URL with a fragment no normalised page
 * URL has, so a sitemap at `https://example.jp/` never takes the place of the page at that URL.
 */
export function sourceKeyOf(url: string): string {
  return `${url}#kumo-source`;
}

/** What a crawl job returns (kept small: BullMQ stores it). */
export interface CrawlJobResult {
  status: 'fetched' | 'failed' | 'skipped';
  /** Links admitted from this page (crawl children added). */
  links: number;
}

/** An `analyze` job: analyse the stored text of one page. */
export interface AnalyzeJobData {
  crawlId: string;
  url: string;
  /** Which `tmp` text to take (`PageTexts.readPageText` of `@kumo/crawl-state`). */
  pageKey: string;
  /**
   * `pageTextDigest` of the text stored under `pageKey`, so that the job can look the text's analysis up in the
   * analysis cache in the same round trip as it reads the text. Absent from jobs added before it existed.
   */
  textDigest?: string;
}

/** A page text's digest, as an analyze job carries it: SHA-256 of its UTF-8, in hex. */
export function pageTextDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface AnalyzeJobResult {
  tokens: number;
  /** True when the analysis came from the content-hash cache. */
  cached: boolean;
}

/** The root `aggregate` job of a crawl (job id = crawl id). */
export interface AggregateJobData {
  crawlId: string;
}

export interface AggregateJobResult {
  status: 'completed' | 'failed' | 'cancelled';
  pages: number;
}

/**
 * A `webhook` job: deliver the `crawl.finished` webhook of one crawl (job id `<crawlId>-webhook`, also the
 * `Kumo-Delivery` header). Only the id: the URL, the secret and the body are read from the crawl record at each
 * attempt, so the secret never sits in a job payload (Bull Board shows payloads).
 */
export interface WebhookJobData {
  crawlId: string;
}

export interface WebhookJobResult {
  /** The receiver's HTTP status (2xx); 0 when nothing was sent (the crawl has no webhook any more). */
  status: number;
  attempt: number;
}

/**
 * A `schedule` job: one run of a schedule, added by the schedule's BullMQ job scheduler (scheduler id = schedule
 * id; job id `repeat:<scheduleId>:<run ms>`, the same on every attempt). Only the id: the request is read from the
 * schedule's record at each run, so a webhook secret never sits in a job payload.
 */
export interface ScheduleJobData {
  scheduleId: string;
}

export interface ScheduleJobResult {
  /** The crawl the run created (or found, when a retried run had created it); null when the schedule was gone. */
  crawlId: string | null;
}
