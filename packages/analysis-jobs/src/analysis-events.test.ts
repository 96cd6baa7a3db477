import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Analysis } from '@kumo/contract';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, fetchedPage } from './__fixtures__/harness.js';
import { compareStreamIds, forEachAnalysis } from './analysis-events.js';

describe('compareStreamIds', () => {
  const cases: [string, string, number][] = [
    ['1-0', '1-0', 0],
    ['1-1', '1-0', 1],
    ['2-0', '10-0', -1],
    ['1700000000000-9', '1700000000000-10', -1],
    ['1700000000001-0', '1700000000000-99', 1],
  ];
  it.each(cases)('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareStreamIds(a, b))).toBe(sign);
  });
});

describe('forEachAnalysis', () => {
  let redis: RedisHandle;
  let dir: string;
  let harness: Harness;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kumo-analysis-events-'));
    redis = await startEmbeddedRedis({ dir });
    harness = new Harness(redis.url);
  });

  afterAll(async () => {
    await harness?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const analysis = (tokens: number): Analysis => ({ tokens, terms: [], phrases: [] });

  it('pages through the stream with a cursor, handing over analyses only, up to `until` when given', async () => {
    const crawlId = await harness.createCrawl();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const url = `http://127.0.0.1/${index}`;
      await harness.state.results.appendPage(crawlId, fetchedPage(url));
      ids.push(await harness.state.results.appendAnalysis(crawlId, url, analysis(index)));
    }

    const seen: number[] = [];
    const all = await forEachAnalysis(harness.state.results, crawlId, { pageSize: 2 }, (a) => seen.push(a.tokens));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(all).toMatchObject({ analyses: 5, malformed: 0 });
    const last = (await harness.state.results.readEvents(crawlId, { count: 100 })).at(-1)!.id;
    expect(all.lastId).toBe(last);

    const upTo: number[] = [];
    const partial = await forEachAnalysis(harness.state.results, crawlId, { pageSize: 2, until: ids[2]! }, (a) =>
      upTo.push(a.tokens),
    );
    expect(upTo).toEqual([0, 1, 2]);
    expect(partial.lastId).toBe(ids[2]);
  });

  it('walks an empty or unknown stream without calling back', async () => {
    const walk = await forEachAnalysis(harness.state.results, 'cunknown000000000000000', { pageSize: 10 }, () => {
      throw new Error('no analysis expected');
    });
    expect(walk).toEqual({ analyses: 0, malformed: 0, lastId: undefined });
  });
});
