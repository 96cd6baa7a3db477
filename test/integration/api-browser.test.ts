import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type InProcessApi, TEST_BOARD, startInProcessApi } from '../helpers/api-harness.js';
import { uniquePrefix } from '../helpers/env.js';

/** Debian's chromium (`.ci/run` installs it); Playwright never downloads a browser here. */
const chromiumPath = '/usr/bin/chromium';
const notice = existsSync(chromiumPath) ? '' : ' [skipped: /usr/bin/chromium not installed]';

describe.skipIf(!existsSync(chromiumPath))(`a real browser on the dashboard and the docs${notice}`, () => {
  let api: InProcessApi;
  let browser: Browser;

  beforeAll(async () => {
    api = await startInProcessApi({ redisUrl: inject('redisUrl'), prefix: uniquePrefix('br') });
    // Playwright gives the browser a fresh, empty profile of its own.
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('Bull Board refuses a visitor without credentials', async () => {
    const context = await browser.newContext();
    // A page navigation would stop at the browser's own auth prompt; the context's request API sees the answer.
    const response = await context.request.get(`${api.url}/admin/queues`);
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toMatch(/^Basic/);
    await context.close();
  });

  it('Bull Board, logged in with Basic auth, shows the crawl, analyze and aggregate queues', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: TEST_BOARD.user, password: TEST_BOARD.password },
    });
    const page = await context.newPage();
    const response = await page.goto(`${api.url}/admin/queues`);
    expect(response?.status()).toBe(200);
    for (const queue of ['crawl', 'analyze', 'aggregate']) {
      await expect.poll(() => page.getByText(queue, { exact: true }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    await context.close();
  });

  it('Bull Board loads nothing from another origin and logs no CSP error (no Google Fonts)', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: TEST_BOARD.user, password: TEST_BOARD.password },
    });
    const page = await context.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(api.url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const response = await page.goto(`${api.url}/admin/queues`);
    expect(response?.status()).toBe(200);
    expect(await response?.text()).not.toContain('fonts.googleapis.com');
    await expect.poll(() => page.getByText('crawl', { exact: true }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('/docs renders the OpenAPI document with every /v1 route, without network access', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const response = await page.goto(`${api.url}/docs`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByText('/v1/crawls/{id}/events').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.getByText('/v1/crawls/{id}/report').count()).toBeGreaterThan(0);
    expect(failed.filter((url) => url.startsWith(api.url))).toEqual([]);
    await context.close();
  });
});
