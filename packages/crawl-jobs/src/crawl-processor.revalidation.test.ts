import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Analysis } from '@kumo/contract';
import { createRedisClient } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CrawlKeys } from '@kumo/crawl-state';
import { Harness } from './__fixtures__/harness.js';

// Conditional re-fetch by a crawl with a `previousId`: validators sent, 304 pages recorded with the previous run's
// analysis (no analyze job, stage `reuse`), their links still followed, changed pages read and analysed in full.

let redis: RedisHandle;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-crawl-revalidation-'));
  redis = await startEmbeddedRedis({ dir });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Validation = 'etag' | 'last-modified' | 'none';

/**
 * Pages whose ETag / Last-Modified follow a version number the test bumps; If-None-Match and If-Modified-Since are
 * honoured (RFC 9110: If-Modified-Since only without If-None-Match). Records each request's conditional headers.
 */
async function conditionalSite(pages: Record<string, { links: string[]; validation: Validation }>) {
  const versions = new Map<string, number>();
  const requests: { path: string; ifNoneMatch?: string; ifModifiedSince?: string; status: number }[] = [];
  const server = http.createServer((request, response) => {
    const pagePath = new URL(request.url ?? '/', 'http://x').pathname;
    const page = pages[pagePath];
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    const version = versions.get(pagePath) ?? 1;
    const etag = `"${pagePath}-v${version}"`;
    const lastModified = new Date(Date.UTC(2026, 10, version)).toUTCString();
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const fresh =
      page.validation === 'etag'
        ? ifNoneMatch === etag
        : page.validation === 'last-modified' && ifNoneMatch === undefined && ifModifiedSince === lastModified;
    const validators: Record<string, string> =
      page.validation === 'etag'
        ? { etag }
        : page.validation === 'last-modified'
          ? { 'last-modified': lastModified }
          : {};
    requests.push({
      path: pagePath,
      ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
      ...(ifModifiedSince === undefined ? {} : { ifModifiedSince }),
      status: fresh ? 304 : 200,
    });
    if (fresh) {
      response.writeHead(304, validators).end();
      return;
    }
    const body = `<!DOCTYPE html><html lang="ja"><head><title>${pagePath} v${version}</title></head><body><p>版${version}の本文です。</p>${page.links
      .map((href) => `<a href="${href}">${href}</a>`)
      .join('')}</body></html>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...validators }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url, versions, requests };
}

function analysisOf(word: string): Analysis {
  return { tokens: 3, terms: [{ term: word, reading: 'ヨミ', pos: '名詞', count: 3 }], phrases: [] };
}

/** Jobs in the analyze queue, whatever their state. */
async function analyzeJobs(harness: Harness): Promise<number> {
  const counts = await harness.queues.analyze.getJobCounts();
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('conditional re-fetch (crawl with a previousId)', () => {
  it('sends validators, records 304 pages with the previous analysis without analysing them, follows their links', async () => {
    const site = await conditionalSite({
      '/': { links: ['/a', '/b', '/c', '/d'], validation: 'etag' },
      '/a': { links: ['/a1'], validation: 'last-modified' },
      '/a1': { links: [], validation: 'etag' },
      '/b': { links: [], validation: 'etag' },
      '/c': { links: [], validation: 'none' },
      '/d': { links: [], validation: 'etag' },
    });
    const harness = new Harness(redis.url);
    cleanups.push(() => harness.close());
    const request = { urls: [`${site.url}/`], maxDepth: 2, maxPages: 100 };

    const first = harness.startWorker();
    const previousId = await harness.submit(request);
    await harness.waitDrained();
    await first.close();
    expect(site.requests.every((r) => r.ifNoneMatch === undefined && r.ifModifiedSince === undefined)).toBe(true);
    // What the analysis worker would have recorded, except for /d (its analysis is gone: it must be read in full).
    for (const pagePath of ['/', '/a', '/a1', '/b', '/c']) {
      await harness.state.results.appendAnalysis(previousId, `${site.url}${pagePath}`, analysisOf(`語${pagePath}`));
    }
    const analyzeJobsBefore = await analyzeJobs(harness);
    expect(analyzeJobsBefore).toBe(6);

    site.versions.set('/b', 2);
    site.requests.length = 0;
    const id = await harness.submit(request);
    // A schedule's later run is created with its previousId; set before any of its jobs runs.
    const raw = createRedisClient(redis.url);
    await raw.hset(new CrawlKeys(harness.keyStore.keySpace).record(id), 'previousId', previousId);
    await raw.quit();
    harness.startWorker();
    await harness.waitDrained();

    const byPath = new Map(site.requests.map((r) => [r.path, r]));
    expect(site.requests).toHaveLength(6);
    expect(byPath.get('/')).toEqual({ path: '/', ifNoneMatch: '"/-v1"', status: 304 });
    expect(byPath.get('/a')).toMatchObject({ ifModifiedSince: new Date(Date.UTC(2026, 10, 1)).toUTCString() });
    expect(byPath.get('/a')?.ifNoneMatch).toBeUndefined();
    expect(byPath.get('/a')?.status).toBe(304);
    // Reached only through /a, which answered 304: its links were still followed.
    expect(byPath.get('/a1')).toMatchObject({ ifNoneMatch: '"/a1-v1"', status: 304 });
    expect(byPath.get('/b')).toMatchObject({ ifNoneMatch: '"/b-v1"', status: 200 });
    expect(byPath.get('/c')).toEqual({ path: '/c', status: 200 });
    expect(byPath.get('/d')).toEqual({ path: '/d', status: 200 });

    const pages = await harness.pages(id);
    const notModified = pages.filter((p) => p.notModified === true).map((p) => new URL(p.url).pathname);
    expect(notModified.sort()).toEqual(['/', '/a', '/a1']);
    for (const page of pages.filter((p) => p.notModified === true)) {
      expect(page).toMatchObject({ status: 'fetched', httpStatus: 304, charset: 'utf-8' });
      expect(page.title).toBe(`${new URL(page.url).pathname} v1`);
      expect(page.analysis).toEqual(analysisOf(`語${new URL(page.url).pathname}`));
    }
    expect(pages.find((p) => p.url === `${site.url}/`)?.links).toBe(4);
    const crawl = await harness.state.records.getCrawl(id);
    expect(crawl?.crawl.counts).toMatchObject({ fetched: 6, notModified: 3, analyzed: 3 });
    // Only the pages read in full got an analyze job; the 304 pages went through the `reuse` stage instead.
    expect((await analyzeJobs(harness)) - analyzeJobsBefore).toBe(3);
    const stages = await harness.metrics.registry.getSingleMetricAsString('kumo_stage_duration_seconds');
    expect(stages).toMatch(/kumo_stage_duration_seconds_count\{[^}]*stage="reuse",outcome="ok"\} 3/);
    // The 304 pages keep their entries for the run after this one.
    for (const pagePath of ['/', '/a', '/a1', '/b', '/d']) {
      const next = await harness.state.validators.previous(id, `${site.url}${pagePath}`, { withAnalysis: false });
      expect(next, pagePath).not.toBeNull();
    }
  });
});
