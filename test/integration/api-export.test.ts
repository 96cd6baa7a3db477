import { parse as parseCsv } from 'csv-parse/sync';
import { pageResultSchema, problemSchema, reportSchema, type PageResult } from '@kumo/contract';
import { generateSite, sampleSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { uniquePrefix } from '../helpers/env.js';
import { fixtureNotice, fixtureSitesDir, hasFixtureSites } from '../helpers/fixtures.js';

// Stored text and links, pages?include=, the NDJSON and CSV export and the partial report of a cancelled crawl, on
// real crawls of the sample site and the fixture corpus through the whole system (API and both workers).

const redisUrl = inject('redisUrl');
let system: RunningSystem;
let sample: SiteServer;
let fixtures: SiteServer | undefined;
let slowSite: SiteServer;
/** A crawl of the sample site with `store: ["text", "links"]`, and one without `store`. */
let storedId: string;
let plainId: string;

const CSV_HEAD = ['url', 'finalUrl', 'depth', 'status', 'httpStatus', 'charset', 'title', 'textLength', 'terms'];

async function waitForStatus(id: string, statuses: string[]): Promise<string> {
  let status = '';
  await vi.waitFor(
    async () => {
      status = ((await (await system.request(`/v1/crawls/${id}`)).json()) as { status: string }).status;
      expect(statuses).toContain(status);
    },
    { timeout: 120_000, interval: 250 },
  );
  return status;
}

async function crawled(body: Record<string, unknown>): Promise<string> {
  const id = await startAcceptedCrawl(system, body);
  expect(await waitForStatus(id, ['completed', 'failed', 'cancelled'])).toBe('completed');
  return id;
}

/** Every page of a crawl through the pages endpoint with `include`, following the cursor. */
async function allPages(id: string, include: string): Promise<PageResult[]> {
  const items: PageResult[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ include, limit: '500', ...(cursor ? { cursor } : {}) });
    const response = await system.request(`/v1/crawls/${id}/pages?${query.toString()}`);
    expect(response.status, await response.clone().text()).toBe(200);
    const page = (await response.json()) as { items: PageResult[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.items.length > 0 ? page.nextCursor : null;
  } while (cursor);
  return items;
}

async function expectProblem(response: Response, status: number, code: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = problemSchema.parse(JSON.parse(text));
  expect(problem.code).toBe(code);
  return problem;
}

function ndjsonLines(text: string): PageResult[] {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => pageResultSchema.parse(JSON.parse(line)));
}

/** The checks every stored page passes: text as long as `textLength`, links absolute, unique, http(s). */
function expectStoredContent(pages: readonly PageResult[]) {
  const fetched = pages.filter((page) => page.status === 'fetched');
  expect(fetched.length).toBeGreaterThan(0);
  for (const page of pages) {
    if (page.status !== 'fetched') {
      expect(page, page.url).not.toHaveProperty('text');
      continue;
    }
    expect(typeof page.text, page.url).toBe('string');
    expect(page.text!.length, page.url).toBe(page.textLength);
    expect(Array.isArray(page.outLinks), page.url).toBe(true);
    expect(new Set(page.outLinks).size, page.url).toBe(page.outLinks!.length);
    for (const link of page.outLinks!) expect(link).toMatch(/^https?:\/\/[^\s#]+$/);
    expect(page.outLinks!.length, page.url).toBeGreaterThanOrEqual(page.links ?? 0);
  }
  // Every page below the seeds was found as a link of some stored page.
  const linked = new Set(fetched.flatMap((page) => page.outLinks!));
  for (const page of pages.filter((p) => p.depth > 0)) expect(linked.has(page.url), page.url).toBe(true);
}

beforeAll(async () => {
  [sample, slowSite] = await Promise.all([
    startSiteServer({ site: sampleSite() }),
    startSiteServer({ site: generateSite({ pages: 300, seed: 'export-cancel', linksPerPage: 5, bytesPerPage: 1500 }) }),
  ]);
  if (hasFixtureSites) fixtures = await startSiteServer({ dir: fixtureSitesDir });
  system = await startSystem({
    redisUrl,
    prefix: uniquePrefix('apix'),
    overrides: { CRAWL_HOST_CONCURRENCY: '2', CRAWL_HOST_DELAY_MS: '20' },
  });
  [storedId, plainId] = await Promise.all([
    crawled({ urls: [`${sample.url}/`], maxDepth: 3, maxPages: 60, store: ['text', 'links'] }),
    crawled({ urls: [`${sample.url}/`], maxDepth: 1, maxPages: 10, analyze: false }),
  ]);
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await Promise.all([sample?.close(), slowSite?.close(), fixtures?.close()]);
});

describe('pages?include=text,links', () => {
  it('adds the stored text and outgoing links to every fetched page of the sample site', async () => {
    const pages = await allPages(storedId, 'text,links');
    expectStoredContent(pages);
    const plain = await allPages(storedId, 'analysis');
    expect(plain.map((page) => page.url)).toEqual(pages.map((page) => page.url));
    expect(plain.some((page) => 'text' in page || 'outLinks' in page)).toBe(false);
    expect(plain.some((page) => page.analysis !== undefined)).toBe(true);
  });

  it('answers at most 50 pages per call with text, continuing with the cursor', async () => {
    const response = await system.request(`/v1/crawls/${storedId}/pages?include=text&limit=500`);
    const page = (await response.json()) as { items: PageResult[]; nextCursor: string | null };
    const total = (await allPages(storedId, '')).length;
    expect(page.items.length).toBe(Math.min(50, total));
    if (total > 50) expect(page.nextCursor).not.toBeNull();
  });

  it.each([
    ['text', 'text'],
    ['links', 'links'],
    ['text,links', 'text and links'],
  ])('answers 409 naming what was not stored for include=%s on a crawl without store', async (include, named) => {
    const problem = await expectProblem(
      await system.request(`/v1/crawls/${plainId}/pages?include=${include}`),
      409,
      'KUMO_API_CONTENT_NOT_STORED',
    );
    expect(problem.detail).toContain(`did not store ${named}`);
  });

  it.each([
    ['pages?include=html', 'include'],
    ['pages?include=text,text', 'include'],
    ['pages?include=text&include=links', 'include'],
    ['export?include=tokens', 'include'],
    ['export?format=xlsx', 'format'],
  ])('answers 400 for %s with errors[].path %s', async (query, path) => {
    const problem = await expectProblem(
      await system.request(`/v1/crawls/${storedId}/${query}`),
      400,
      'KUMO_API_VALIDATION',
    );
    expect(problem.errors?.map((error) => error.path)).toEqual([path]);
  });
});

describe('export', () => {
  it('streams NDJSON: one PageResult per line in production order, with what include asked for', async () => {
    const response = await system.request(`/v1/crawls/${storedId}/export?format=ndjson&include=analysis,text,links`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="kumo-${storedId}.ndjson"`);
    expect(response.headers.get('kumo-crawl-status')).toBe('completed');
    const lines = ndjsonLines(await response.text());
    expect(lines).toEqual(await allPages(storedId, 'text,links'));
    expectStoredContent(lines);

    const bare = ndjsonLines(await (await system.request(`/v1/crawls/${storedId}/export`)).text());
    expect(bare.map((page) => page.url)).toEqual(lines.map((page) => page.url));
    expect(bare.some((page) => 'analysis' in page || 'text' in page || 'outLinks' in page)).toBe(false);
  });

  it('streams CSV that a CSV parser reads back: one row per page, terms the top 10, text and links when asked', async () => {
    const response = await system.request(`/v1/crawls/${storedId}/export?format=csv&include=text,links`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="kumo-${storedId}.csv"`);
    const text = await response.text();
    const rows = parseCsv(text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_HEAD, 'text', 'outLinks']);
    const pages = await allPages(storedId, 'text,links');
    expect(rows).toHaveLength(pages.length);
    rows.forEach((row, index) => {
      const page = pages[index]!;
      expect(row.url).toBe(page.url);
      expect(row.finalUrl).toBe(page.finalUrl);
      expect(row.depth).toBe(String(page.depth));
      expect(row.status).toBe(page.status);
      expect(row.httpStatus).toBe(page.httpStatus === undefined ? '' : String(page.httpStatus));
      expect(row.title).toBe(page.title ?? '');
      expect(row.textLength).toBe(page.textLength === undefined ? '' : String(page.textLength));
      expect(row.terms).toBe(
        (page.analysis?.terms ?? [])
          .slice(0, 10)
          .map((term) => term.term)
          .join(' '),
      );
      expect(row.text).toBe(page.text ?? '');
      expect(row.outLinks).toBe((page.outLinks ?? []).join(' '));
    });
    expect(rows.some((row) => row.terms !== '')).toBe(true);
    expect(rows.some((row) => row.text!.includes('\n'))).toBe(true);

    const bare = parseCsv(await (await system.request(`/v1/crawls/${plainId}/export?format=csv`)).text(), {
      columns: true,
    }) as Record<string, string>[];
    expect(Object.keys(bare[0]!)).toEqual(CSV_HEAD);
  });

  it('answers 409 for include=text on a crawl that did not store it', async () => {
    await expectProblem(
      await system.request(`/v1/crawls/${plainId}/export?format=csv&include=text`),
      409,
      'KUMO_API_CONTENT_NOT_STORED',
    );
  });

  it.skipIf(!hasFixtureSites)(
    `exports a crawl of the fixture corpus (Shift_JIS, EUC-JP, ISO-2022-JP pages) with its text and links${fixtureNotice}`,
    async () => {
      const id = await crawled({
        urls: [`${fixtures!.url}/index.html`],
        maxDepth: 1,
        maxPages: 40,
        store: ['text', 'links'],
      });
      const lines = ndjsonLines(
        await (await system.request(`/v1/crawls/${id}/export?format=ndjson&include=text,links`)).text(),
      );
      expectStoredContent(lines);
      const charsets = new Set(lines.map((page) => page.charset).filter(Boolean));
      expect(charsets.size).toBeGreaterThan(1);
      // Decoded text, not mojibake: Japanese pages hold kana.
      expect(lines.filter((page) => /[\u3041-\u30ff]/.test(page.text ?? '')).length).toBeGreaterThan(5);
      const rows = parseCsv(
        await (await system.request(`/v1/crawls/${id}/export?format=csv&include=text,links`)).text(),
        { columns: true },
      ) as Record<string, string>[];
      expect(rows.map((row) => row.url)).toEqual(lines.map((page) => page.url));
      expect(rows.map((row) => row.text)).toEqual(lines.map((page) => page.text ?? ''));
    },
  );
});

describe('a cancelled crawl', () => {
  it('exports what exists while running, then gets a partial report of the pages analysed before the cancel', async () => {
    const id = await startAcceptedCrawl(system, {
      urls: [`${slowSite.url}/index.html`],
      maxDepth: 10,
      maxPages: 300,
      politeness: { delayMs: 100 },
    });
    await vi.waitFor(
      async () => {
        const crawl = (await (await system.request(`/v1/crawls/${id}`)).json()) as { counts: { analyzed: number } };
        expect(crawl.counts.analyzed).toBeGreaterThanOrEqual(3);
      },
      { timeout: 60_000, interval: 100 },
    );
    await expectProblem(await system.request(`/v1/crawls/${id}/report`), 409, 'KUMO_API_REPORT_NOT_READY');
    const running = await system.request(`/v1/crawls/${id}/export`);
    expect(running.headers.get('kumo-crawl-status')).toBe('running');
    expect(ndjsonLines(await running.text()).length).toBeGreaterThan(0);

    expect((await system.request(`/v1/crawls/${id}`, { method: 'DELETE' })).status).toBe(202);
    expect(await waitForStatus(id, ['completed', 'failed', 'cancelled'])).toBe('cancelled');

    const response = await system.request(`/v1/crawls/${id}/report`);
    expect(response.status, await response.clone().text()).toBe(200);
    const report = reportSchema.parse(await response.json());
    const crawl = (await (await system.request(`/v1/crawls/${id}`)).json()) as {
      counts: { fetched: number; failed: number; analyzed: number };
    };
    expect(report.partial).toBe(true);
    expect(report.pages).toEqual({ fetched: crawl.counts.fetched, failed: crawl.counts.failed });
    expect(crawl.counts.fetched).toBeLessThan(300);
    expect(report.keywords.length).toBeGreaterThan(0);

    const completed = reportSchema.parse(await (await system.request(`/v1/crawls/${storedId}/report`)).json());
    expect(completed.partial).toBeUndefined();
  });
});
