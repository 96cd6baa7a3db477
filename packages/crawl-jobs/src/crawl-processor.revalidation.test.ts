import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Analysis } from '@kumo/contract';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { startConditionalSite, type ConditionalPage } from '@kumo/sample-site';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
    const page = (links: string[], validation: ConditionalPage['validation']) => ({
      links,
      validation,
      text: '本文です。',
    });
    const site = await startConditionalSite({
      '/': page(['/a', '/b', '/c', '/d'], 'etag'),
      '/a': page(['/a1'], 'last-modified'),
      '/a1': page([], 'etag'),
      '/b': page([], 'etag'),
      '/c': page([], 'none'),
      '/d': page([], 'etag'),
    });
    cleanups.push(() => site.close());
    const harness = new Harness(redis.url);
    cleanups.push(() => harness.close());
    const request = { urls: [`${site.url}/`], maxDepth: 2, maxPages: 100 };

    harness.startWorker();
    const previousId = await harness.submit(request);
    await harness.waitDrained();
    expect(site.requests.every((r) => r.ifNoneMatch === undefined && r.ifModifiedSince === undefined)).toBe(true);
    // What the analysis worker would have recorded, except for /d (its analysis is gone: it must be read in full).
    for (const pagePath of ['/', '/a', '/a1', '/b', '/c']) {
      await harness.state.results.appendAnalysis(previousId, `${site.url}${pagePath}`, analysisOf(`語${pagePath}`));
    }
    const analyzeJobsBefore = await analyzeJobs(harness);
    expect(analyzeJobsBefore).toBe(6);

    site.change('/b', '新しい本文です。');
    site.requests.length = 0;
    const id = await harness.submit(request, { previousId });
    await harness.waitDrained();

    const byPath = new Map(site.requests.map((r) => [r.path, r]));
    expect(site.requests).toHaveLength(6);
    expect(byPath.get('/')).toEqual({ path: '/', ifNoneMatch: '"/-v1"', status: 304 });
    expect(byPath.get('/a')).toMatchObject({ ifModifiedSince: site.lastModifiedOf('/a') });
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
