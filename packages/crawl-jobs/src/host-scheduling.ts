import { setTimeout as sleep } from 'node:timers/promises';
import type { CrawlRequest } from '@kumo/contract';
import type { Crawler } from '@kumo/crawler';
import type { CrawlStore } from '@kumo/crawl-state';
import type { Logger } from '@kumo/observability';
import { DelayedError, type CrawlJobData, type Job, type KumoQueues, retryTransient } from '@kumo/queues';
import { limiterHost, type CrawlPoliteness, type HostLease, type HostLimiter } from './host-state.js';

// How crawl jobs (pages and sources alike) meet the per-host schedule: a fetch runs under a host lease, and new jobs
// are added delayed until the start their host planned for them.

export interface HostSchedulingDeps {
  crawler: Crawler;
  state: Pick<CrawlStore, 'records'>;
  queues: Pick<KumoQueues, 'addChildren'>;
  limiter: HostLimiter;
  logger: Logger;
  jitter: number;
  minJitterMs: number;
  holdMs: number;
  maxHolds: number;
  now: () => number;
  random: () => number;
}

/** The crawl's own per-host limits, from its request's `politeness` (absent on crawls that set none). */
export function politenessOf(crawlId: string, request: CrawlRequest): CrawlPoliteness {
  return { crawlId, delayMs: request.politeness?.delayMs, concurrency: request.politeness?.concurrency };
}

export interface HostScheduling {
  /**
   * Runs `fetch` under a host lease for `url`. A URL robots.txt disallows needs no lease (`fetch` reports it from the
   * cached rules). A host that can take the request within `holdMs` is waited for in-process (at most `maxHolds`
   * times); otherwise the job goes back to *delayed* (`DelayedError`) and runs once then. `fetch` gets a callback that
   * gives the lease back early (once the body is read). 'cancelled' when the crawl was cancelled during a wait, or
   * when `cancelled` (the crawl's cancel flag, read by the caller and not awaited yet) says so: then nothing is fetched
   * and a lease granted meanwhile goes back at once.
   */
  withLease<T>(
    job: Job<CrawlJobData>,
    token: string | undefined,
    request: CrawlRequest,
    signal: AbortSignal | undefined,
    fetch: (onFetched?: (fetchMs: number) => void) => Promise<T>,
    cancelled?: Promise<boolean>,
  ): Promise<T | 'cancelled'>;
  /** Adds crawl jobs, each delayed until the start its host's schedule planned for it (one script per host). */
  addCrawlJobs(crawlId: string, request: CrawlRequest, jobs: readonly CrawlJobData[]): Promise<void>;
}

export function createHostScheduling(deps: HostSchedulingDeps): HostScheduling {
  const userAgent = deps.crawler.options.userAgent;
  /**
   * Gives back a lease nothing was fetched under. An unreleased lease only holds the slot until it expires: never worth
   * failing the job over.
   */
  const giveBack = (lease: HostLease, url: string) =>
    deps.limiter
      .release(lease)
      .catch((error: unknown) => deps.logger.warn({ err: error, host: lease.host, url }, 'host lease not released'));
  return {
    async withLease(job, token, request, signal, fetch, cancelled) {
      const { crawlId, url } = job.data;
      // robots.txt first: a disallowed URL (or an origin whose robots.txt cannot be read) needs no lease and no fetch.
      const rules = await deps.crawler.fetchRobots(url);
      if (!rules.isAllowed(url, userAgent)) return (await cancelled) === true ? 'cancelled' : fetch();

      const host = limiterHost(url);
      const crawl = politenessOf(crawlId, request);
      const robotsDelayMs = rules.crawlDelayMs(userAgent);
      let answer = await deps.limiter.acquire(host, crawl, { robotsDelayMs });
      // The cancel flag was asked for before the lease, so both answers come back together.
      if ((await cancelled) === true) {
        if (answer.granted) await giveBack(answer.lease, url);
        return 'cancelled';
      }
      // A short wait (the host's delay since the latest start, a lease about to free) is slept in-process: the job
      // keeps its worker slot instead of a trip through *delayed* and a new start. A delay's end is known; when a busy
      // slot frees is only an estimate (often "any moment" once a request overran it), so those pauses grow (1–2, 2–4,
      // 4–8 ms …), and five asks cover ~30–60 ms instead of ~5 before the job goes back to *delayed*.
      let waited = 0;
      for (; !answer.granted && answer.waitMs <= deps.holdMs && waited < deps.maxHolds; waited++) {
        const pauseMs =
          answer.reason === 'busy' ? Math.max(answer.waitMs, 2 ** waited * (1 + deps.random())) : answer.waitMs;
        await sleep(pauseMs, undefined, signal ? { signal } : {});
        answer = await deps.limiter.acquire(host, crawl, { robotsDelayMs });
      }
      if (!answer.granted) {
        const waitMs =
          answer.reason === 'not-yet'
            ? ((await deps.limiter.plan(host, crawl, 1))[0] ?? answer.waitMs)
            : answer.waitMs + Math.max(deps.minJitterMs, answer.waitMs * deps.jitter) * deps.random();
        await job.moveToDelayed(deps.now() + Math.ceil(Math.max(waitMs, 1)), token);
        throw new DelayedError();
      }
      const lease: HostLease = answer.lease;
      // The crawl may have been cancelled while this job waited for its host: then nothing is fetched.
      if (waited > 0 && (await deps.state.records.isCancelRequested(crawlId))) {
        await giveBack(lease, url);
        return 'cancelled';
      }
      // The lease goes back as soon as the host is done with the request (before the parse, which can take a while on
      // a large page), and at the latest when the fetch ends. Releasing is idempotent, so it is retried through a
      // failover; a release that never lands costs the host one slot until the lease expires (CRAWL_HOST_LEASE_MS),
      // never the page that was fetched.
      let released: Promise<void> | undefined;
      const release = (fetchMs?: number) =>
        (released ??= retryTransient(() => deps.limiter.release(lease, fetchMs), {
          operation: 'release host lease',
        }).catch((error: unknown) =>
          deps.logger.warn({ err: error, host, url }, 'host lease not released; it expires by itself'),
        ));
      try {
        return await fetch((fetchMs) => void release(fetchMs));
      } finally {
        await release();
      }
    },

    async addCrawlJobs(crawlId, request, jobs) {
      if (jobs.length === 0) return;
      const byHost = new Map<string, CrawlJobData[]>();
      for (const job of jobs) {
        const host = limiterHost(job.url);
        const group = byHost.get(host);
        if (group) group.push(job);
        else byHost.set(host, [job]);
      }
      const crawl = politenessOf(crawlId, request);
      const planned: CrawlJobData[] = [];
      const delaysMs: number[] = [];
      for (const [host, group] of byHost) {
        const offsets = await deps.limiter.plan(host, crawl, group.length);
        group.forEach((job, index) => {
          planned.push(job);
          delaysMs.push(offsets[index] ?? 0);
        });
      }
      await deps.queues.addChildren('crawl', crawlId, planned, { delaysMs });
    },
  };
}
