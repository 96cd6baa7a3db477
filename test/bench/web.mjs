// `web`: the results page's live view of a 2,000-page crawl in headless chromium (playwright-core, Debian's
// /usr/bin/chromium): the page's JS heap while the crawl's events pour in, how long the main thread is blocked
// (a probe the page answers every 250 ms: its lag), and the time to render the report once the crawl is done.
/* global window, document -- the page.evaluate and addInitScript callbacks run in the browser */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { KumoApi } from './lib/api-client.mjs';
import { quantile, round } from './lib/stats.mjs';
import { prepareSite, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

export const name = 'web';
export const description =
  'The results page following a 2,000-page crawl with analysis in headless chromium: JS heap during the live ' +
  'view, main-thread lag (p50/p99/max of a 250 ms probe), pages shown at the end, and the report render time.';

const CHROMIUM = '/usr/bin/chromium';

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  if (!existsSync(CHROMIUM)) {
    ctx.blocked(`${CHROMIUM} is not installed`);
    return;
  }
  const pages = ctx.quick ? 200 : 2000;
  const redisServer = await startRedis(ctx);
  const site = await prepareSite({ pages, seed: 18 });
  const server = await startSiteProcess(ctx, site.dir);
  const kumo = await startKumo(ctx, {
    redisUrl: redisServer.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: { API_PROCESSES: '1', WORKER_PROCESSES: '2', API_RATE_LIMIT_PER_MINUTE: '100000' },
    readyTimeoutMs: 120_000,
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);
  if (!kumo.apiUrl || !kumo.apps['crawl-worker'] || !kumo.apps['analysis-worker'])
    throw new Error('kumo is not running: see blockedBy');
  const api = new KumoApi(kumo.apiUrl, kumo.key);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  ctx.defer(() => browser.close());
  ctx.data.settings = { pages, workerProcesses: 2 };

  const rounds = [];
  for (let r = 0; r < Math.min(ctx.rounds, 1); r++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Signed in as the page would be (the key in session storage), and a lag probe: how late a 250 ms timer fires.
    await context.addInitScript((key) => {
      sessionStorage.setItem('kumo.apiKey', key);
      const lags = [];
      let expected = performance.now() + 250;
      setInterval(() => {
        const now = performance.now();
        lags.push(Math.max(0, now - expected));
        expected = now + 250;
      }, 250);
      window.__lags = lags;
    }, kumo.key);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;

    const created = await api.postCrawl({ urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: pages + 10 });
    const started = Date.now();
    await page.goto(`${kumo.apiUrl}/#/crawls/${created.id}`);
    const heaps = [];
    for (;;) {
      heaps.push(await heap());
      const status = await page
        .locator('.view-head .badge')
        .textContent()
        .catch(() => '');
      if (status === 'completed' || status === 'failed' || status === 'cancelled') break;
      if (Date.now() - started > 1_800_000) throw new Error('the crawl did not finish within 30 minutes');
      await sleep(1000);
    }
    const crawlMs = Date.now() - started;
    const rows = await page.evaluate(
      () => document.querySelector('table.pages')?.closest('section')?.querySelector('p')?.textContent,
    );
    const lags = await page.evaluate(() => window.__lags);
    const endHeap = await heap();

    const before = Date.now();
    await page.getByRole('link', { name: 'Open the report' }).click();
    await page.locator('svg.cooccurrence-graph g.node').first().waitFor({ timeout: 60_000 });
    const reportMs = Date.now() - before;
    const reportHeap = await heap();
    const result = {
      crawlMs,
      pagesShown: rows,
      heapMaxMb: Math.max(...heaps) / 2 ** 20,
      heapEndMb: endHeap / 2 ** 20,
      heapReportMb: reportHeap / 2 ** 20,
      lagP50: quantile(lags, 0.5),
      lagP99: quantile(lags, 0.99),
      lagMax: Math.max(...lags),
      reportMs,
    };
    ctx.log(
      `round ${r + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])))}`,
    );
    rounds.push(result);
    await context.close();
  }
  ctx.metric({
    id: 'heap',
    label: `JS heap, live view of ${pages} pages (max)`,
    unit: 'MB',
    kumo: rounds.map((r) => r.heapMaxMb),
  });
  ctx.metric({
    id: 'lag-p99',
    label: 'main-thread lag p99 during the crawl',
    unit: 'ms',
    kumo: rounds.map((r) => r.lagP99),
  });
  ctx.metric({
    id: 'report',
    label: 'report render (click → graph drawn)',
    unit: 'ms',
    kumo: rounds.map((r) => r.reportMs),
  });
  ctx.data.rounds = rounds.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
  );
}
