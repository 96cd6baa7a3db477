import type { CrawlRequest, PageResult } from '@kumo/contract';
import {
  isInScopeOfAny,
  isSiteRoot,
  siteSitemaps,
  tryNormalizeUrl,
  type Crawler,
  type SourceOutcome,
} from '@kumo/crawler';
import type { CrawlStore } from '@kumo/crawl-state';
import type { JobTimer, Logger } from '@kumo/observability';
import {
  holdWhileRedisRefuses,
  jobAttempt,
  sourceKeyOf,
  type CrawlJobData,
  type CrawlJobResult,
  type Job,
  type SourceJobData,
} from '@kumo/queues';
import { CrawlRetryError } from './errors.js';
import type { HostScheduling } from './host-scheduling.js';

// A `crawl` job that reads a `sources` entry: a sitemap (following the sitemaps an index lists, within a depth and
// count bound) or a feed. Its entries are admitted like seeds (depth 0, deduplicated, counted against maxPages) and
// become crawl jobs; the source itself gets a page result (`kind`, `entries`), indexed under its key.

/** The limits of sources (`CRAWL_SOURCE_*` of @kumo/config). */
export interface SourceSettings {
  /** Largest document, uncompressed. */
  maxBytes: number;
  /** Most entries per document. */
  maxEntries: number;
  /** Sitemap index levels followed below a request's source. */
  maxDepth: number;
  /** Most sitemaps read for one sitemap source (index files included). */
  maxSitemaps: number;
  /** Entries admitted per round trip. @defaultValue 500 */
  batchSize?: number;
}

export const SOURCE_SETTINGS_DEFAULTS: SourceSettings = {
  maxBytes: 50 * 1024 * 1024,
  maxEntries: 50_000,
  maxDepth: 2,
  maxSitemaps: 100,
};

export interface SourceJobDeps {
  crawler: Crawler;
  state: Pick<CrawlStore, 'admission' | 'results'>;
  scheduling: HostScheduling;
  logger: Logger;
  settings: SourceSettings;
}

export interface SourceJobInput {
  job: Job<CrawlJobData, CrawlJobResult>;
  token: string | undefined;
  signal: AbortSignal | undefined;
  request: CrawlRequest;
  timer: JobTimer;
}

/**
 * Budgets of the sitemaps an index lists: `budget` (the sitemaps still allowed below it) shared out, each child
 * getting 1 for itself and an equal part of the rest; children past the budget are not read.
 */
export function shareBudget(count: number, budget: number): number[] {
  const taken = Math.min(count, Math.max(0, budget));
  if (taken === 0) return [];
  const rest = budget - taken;
  return Array.from({ length: taken }, (_v, index) => 1 + Math.floor(rest / taken) + (index < rest % taken ? 1 : 0));
}

/**
 * True for the request's own sitemap source naming a site root: it stands for the sitemaps robots.txt lists, and has
 * no key, no fetch and no result of its own.
 */
export function isSiteSource(data: CrawlJobData): boolean {
  return data.source?.type === 'sitemap' && data.source.level === undefined && isSiteRoot(data.url);
}

/** Runs source jobs (see the file comment). */
export function createSourceJob(deps: SourceJobDeps) {
  const { settings } = deps;

  /** Admits sitemaps (under their keys, like pages against maxPages) and adds their jobs. */
  async function addSitemaps(
    data: CrawlJobData,
    request: CrawlRequest,
    urls: readonly string[],
    level: number,
    budget: number,
  ): Promise<number> {
    const budgets = shareBudget(urls.length, budget);
    const taken = urls.slice(0, budgets.length);
    const keys = taken.map(sourceKeyOf);
    const admitted = new Set(await deps.state.admission.admitUrls(data.crawlId, keys, request.maxPages));
    const jobs = taken.flatMap((url, index) =>
      admitted.has(keys[index]!)
        ? [
            {
              crawlId: data.crawlId,
              url,
              depth: 0,
              source: { type: 'sitemap', level, budget: budgets[index]! } satisfies SourceJobData,
            },
          ]
        : [],
    );
    await deps.scheduling.addCrawlJobs(data.crawlId, request, jobs);
    return jobs.length;
  }

  /**
   * Admits a batch of entries: those in scope of the source become depth-0 crawl jobs; those out of scope are
   * recorded `skipped` (`out-of-scope`) at once. Returns how many were admitted.
   */
  async function handOn(
    data: CrawlJobData,
    request: CrawlRequest,
    raw: readonly string[],
    finalUrl: string,
  ): Promise<number> {
    const urls = [...new Set(raw.flatMap((url) => tryNormalizeUrl(url) ?? []))];
    const admitted = await deps.state.admission.admitUrls(data.crawlId, urls, request.maxPages);
    // In scope of the source's URL, or of where it redirected to (http → https), as for a seed.
    const anchors = finalUrl === data.url ? [data.url] : [data.url, finalUrl];
    const inScope = admitted.filter((url) => isInScopeOfAny(url, anchors, request.scope));
    const outOfScope = admitted.filter((url) => !isInScopeOfAny(url, anchors, request.scope));
    for (const url of outOfScope) {
      const page: PageResult = {
        url,
        finalUrl: url,
        depth: 0,
        status: 'skipped',
        reason: 'out-of-scope',
        timings: {},
      };
      await deps.state.results.appendPage(data.crawlId, page);
    }
    await deps.scheduling.addCrawlJobs(
      data.crawlId,
      request,
      inScope.map((url) => ({ crawlId: data.crawlId, url, depth: 0 })),
    );
    return admitted.length;
  }

  function resultOf(data: CrawlJobData, source: SourceJobData, outcome: SourceOutcome): PageResult {
    return {
      url: data.url,
      finalUrl: outcome.finalUrl,
      depth: 0,
      status: outcome.status,
      kind: source.type,
      entries: outcome.entries,
      ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
      ...(outcome.contentType === undefined ? {} : { contentType: outcome.contentType }),
      bytes: outcome.bytes,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      ...(outcome.error === undefined ? {} : { error: { code: outcome.error.code, message: outcome.error.message } }),
      timings: { fetchMs: Math.round(outcome.fetchMs * 100) / 100 },
    };
  }

  /** Runs one source job; 'cancelled' when the crawl was cancelled while it waited for its host. */
  return async function runSource(input: SourceJobInput): Promise<CrawlJobResult | 'cancelled'> {
    const { job, request, timer } = input;
    const data = job.data;
    const source = data.source!;
    const budget = source.budget ?? settings.maxSitemaps;
    // The request's own sitemap source naming a site root stands for the sitemaps robots.txt lists (no fetch of
    // its own, no result of its own: each sitemap it lists gets one).
    if (isSiteSource(data)) {
      const rules = await deps.crawler.fetchRobots(data.url);
      const sitemaps = siteSitemaps(data.url, rules, budget);
      const added = await holdWhileRedisRefuses(() => addSitemaps(data, request, sitemaps, 0, budget), {
        operation: 'queue the sitemaps of a site',
      });
      timer.finish('skipped', { sitemaps: added });
      return { status: 'skipped', links: added };
    }

    let admitted = 0;
    const outcome = await deps.scheduling.withLease(job, input.token, request, input.signal, () =>
      deps.crawler.fetchSource({
        url: data.url,
        headers: request.headers,
        signal: input.signal,
        maxBytes: settings.maxBytes,
        maxEntries: settings.maxEntries,
        maxSitemaps: Math.max(0, budget - 1),
        ...(settings.batchSize === undefined ? {} : { batchSize: settings.batchSize }),
        onEntries: async (urls, finalUrl) => {
          admitted += await holdWhileRedisRefuses(() => handOn(data, request, urls, finalUrl), {
            operation: 'admit the entries of a source',
          });
        },
      }),
    );
    if (outcome === 'cancelled') return 'cancelled';
    timer.record('fetch', outcome.fetchMs);

    const attempt = jobAttempt(job);
    if (outcome.transient && !attempt.final) {
      // The entries handed on stay admitted; the next attempt admits only those it has not seen.
      timer.finish('retry', { code: outcome.error?.code, attempt: attempt.number });
      throw new CrawlRetryError(data.url, outcome.error?.code ?? 'unknown', outcome.error);
    }
    const level = source.level ?? 0;
    if (outcome.sitemaps.length > 0) {
      if (level + 1 > settings.maxDepth) {
        deps.logger.warn({ crawlId: data.crawlId, url: data.url, level }, 'sitemap index below the depth bound');
      } else {
        admitted += await holdWhileRedisRefuses(
          () => addSitemaps(data, request, outcome.sitemaps, level + 1, budget - 1),
          { operation: 'queue the sitemaps of an index' },
        );
      }
    }
    await holdWhileRedisRefuses(
      () => deps.state.results.appendPage(data.crawlId, resultOf(data, source, outcome), sourceKeyOf(data.url)),
      { operation: 'record a source' },
    );
    timer.finish(outcome.status, { entries: outcome.entries, links: admitted });
    return { status: outcome.status, links: admitted };
  };
}
