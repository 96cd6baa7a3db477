import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeText, loadTokenizer, type JapaneseTokenizer } from '@kumo/analyzer';
import { reportSchema, type Analysis } from '@kumo/contract';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import type { AggregateJobData } from '@kumo/queues';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, fetchedPage, jobOf } from './__fixtures__/harness.js';
import { createAggregateProcessor } from './aggregate-processor.js';

// The report `diff` of a crawl with a `previousId`: the keywords of the pages that changed, and only those.

const BEFORE = [
  '東京の天気は晴れです。東京タワーから富士山が見えました。天気予報によると明日も東京は晴れるそうです。',
  '富士山の写真を撮りに、多くの観光客が展望台に集まりました。東京から富士山までバスで行けます。',
  '京都の寺院を訪ねました。京都の紅葉は美しく、観光客で賑わっていました。写真をたくさん撮りました。',
  '大阪の料理は美味しい。大阪城の近くで料理教室に参加しました。観光客にも人気の料理です。',
];
/** The last page changed: Osaka's cooking became Hokkaido's snow festival. */
const AFTER = [...BEFORE.slice(0, 3), '北海道の雪祭りに行きました。札幌の雪像は大きく、雪祭りは観光客で賑わいました。'];

let redis: RedisHandle;
let dir: string;
let tokenizer: JapaneseTokenizer;
const harnesses: Harness[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-aggregate-diff-'));
  [redis, tokenizer] = await Promise.all([startEmbeddedRedis({ dir }), loadTokenizer()]);
});

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  const harness = new Harness(redis.url);
  harnesses.push(harness);
  const processor = createAggregateProcessor({ state: harness.state, timer: harness.timer, logger: harness.logger });
  const run = (crawlId: string) => processor(jobOf<AggregateJobData>({ crawlId }, crawlId));
  return { harness, run };
}

/** A crawl whose pages were all fetched and analysed; `previousId` as a schedule's later run has it. */
async function crawlOf(harness: Harness, texts: readonly string[], previousId?: string): Promise<string> {
  const crawlId = await harness.createCrawl({}, previousId === undefined ? {} : { previousId });
  for (const [index, text] of texts.entries()) {
    const url = `http://127.0.0.1/p${index}.html`;
    await harness.state.results.appendPage(crawlId, fetchedPage(url));
    const analysis: Analysis = await analyzeText(text, tokenizer);
    await harness.state.results.appendAnalysis(crawlId, url, analysis);
  }
  return crawlId;
}

describe('report diff', () => {
  it("lists the changed page's keywords as added, removed, rising or falling, and nothing of the unchanged pages", async () => {
    const { harness, run } = await setup();
    const previousId = await crawlOf(harness, BEFORE);
    await run(previousId);
    const crawlId = await crawlOf(harness, AFTER, previousId);
    await run(crawlId);

    const previous = (await harness.state.reports.getReport(previousId))!;
    const report = (await harness.state.reports.getReport(crawlId))!;
    expect(previous.diff).toBeUndefined();
    expect(reportSchema.parse(report)).toEqual(report);
    const diff = report.diff!;
    expect(diff.previousId).toBe(previousId);
    const terms = (list: { term: string }[]) => list.map((entry) => entry.term);
    expect(terms(diff.added)).toEqual(expect.arrayContaining(['雪', '北海道', '札幌']));
    expect(terms(diff.removed)).toEqual(expect.arrayContaining(['料理', '大阪']));
    // Every entry is a term or phrase of the page that changed (before or after); a keyword of the unchanged pages
    // only (京都, 富士山) keeps its score: same pages, same document frequency.
    const changed = new Set<string>();
    for (const text of [BEFORE[3]!, AFTER[3]!]) {
      const analysis = await analyzeText(text, tokenizer);
      for (const term of analysis.terms) changed.add(term.term);
      for (const phrase of analysis.phrases) changed.add(phrase.phrase);
    }
    for (const term of [...diff.added, ...diff.removed, ...diff.rising, ...diff.falling].map((e) => e.term)) {
      expect(changed.has(term), term).toBe(true);
    }
    expect(terms([...diff.rising, ...diff.falling])).not.toContain('京都');
    expect(terms([...diff.rising, ...diff.falling])).not.toContain('富士山');
    // 観光客 is on the changed page before and after, and on unchanged ones: its tf-idf moved.
    const before = previous.keywords.find((k) => k.term === '観光客')!.score;
    const after = report.keywords.find((k) => k.term === '観光客')!.score;
    const moved = [...diff.rising, ...diff.falling].find((e) => e.term === '観光客');
    expect(moved ?? { from: before, to: before }).toEqual({ term: moved?.term, from: before, to: after });
  });

  it('has no diff when the previous report is gone, nor for a crawl without a previousId', async () => {
    const { harness, run } = await setup();
    const crawlId = await crawlOf(harness, AFTER, 'crawl-that-expired');
    await run(crawlId);
    expect(await harness.state.reports.getReport(crawlId)).not.toHaveProperty('diff');
    const plain = await crawlOf(harness, AFTER);
    await run(plain);
    expect(await harness.state.reports.getReport(plain)).not.toHaveProperty('diff');
  });
});
