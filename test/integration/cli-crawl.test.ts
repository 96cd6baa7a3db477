import { freePort } from '@kumo/local-redis';
import { expectedReachable, sampleSite, sitemapPaths, type SiteServer, startSiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCommand, runKumo } from '../helpers/cli-run.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startMeshSite, type MeshSite } from '../helpers/mesh-site.js';
import { type AppProcess, startApp } from '../helpers/processes.js';

/**
 * The `kumo` CLI against the real API and workers (started directly, not through the launcher): the SSE parser and
 * the contract shapes meet the real server here.
 */
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('cli');
const apiKey = 'cli-test-key';
const site = sampleSite();
let server: SiteServer;
let mesh: MeshSite;
let apps: AppProcess[] = [];
let kumoEnv: Record<string, string>;

beforeAll(async () => {
  server = await startSiteServer({ site, host: '127.0.0.1', port: 0 });
  mesh = await startMeshSite(40);
  const apiPort = await freePort();
  const env = testEnv({
    redisUrl,
    prefix,
    overrides: {
      API_PORT: String(apiPort),
      API_KEYS: `${apiKey},other-key`,
      BOARD_USER: 'u',
      BOARD_PASSWORD: 'password1',
    },
  });
  apps = (['api', 'crawl-worker', 'analysis-worker'] as const).map((app) => startApp(app, env));
  await Promise.all(apps.map((app) => app.waitReady(1, 120_000)));
  kumoEnv = { PATH: env.PATH, HOME: env.HOME, KUMO_API_URL: `http://127.0.0.1:${apiPort}`, KUMO_API_KEY: apiKey };
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGTERM', 30_000)));
  await server?.close();
  await mesh?.close();
  const env = { PATH: process.env.PATH ?? '' };
  const keys = await runCommand('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}:*`], { env });
  const names = keys.stdout.split('\n').filter(Boolean);
  for (let i = 0; i < names.length; i += 500)
    await runCommand('redis-cli', ['-u', redisUrl, 'DEL', ...names.slice(i, i + 500)], { env });
});

describe('kumo against the running system', () => {
  let id: string;
  const seed = () => `${server.url}/index.html`;
  const expected = () => expectedReachable(site.manifest, { maxDepth: 2, baseUrl: server.url });

  it('crawl follows the events to done and prints the keyword table', async () => {
    const result = await runKumo(['crawl', seed(), '--depth', '2'], kumoEnv);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    id = /^crawl (\S+) queued$/m.exec(result.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    // Off a terminal: one line per page event, one per analysis, and the done summary with the exact counts.
    const pageLines = result.stdout.split('\n').filter((line) => line.startsWith('page '));
    expect(pageLines).toHaveLength(expected().pages.size);
    const want = expected();
    // `analyzed` is left open: pages without text (a frameset) are fetched but have nothing to analyse.
    expect(result.stdout).toMatch(
      new RegExp(
        `^crawl ${id} completed: discovered ${want.pages.size} {2}fetched ${want.fetched.size} {2}failed ${want.failed.size} {2}skipped ${want.skipped.size} {2}analyzed \\d+$`,
        'm',
      ),
    );
    expect(result.stdout).toMatch(/^ *# {2}term +reading +score +df$/m);
    expect(result.stdout).toMatch(/^ *1 {2}\S+/m);
  });

  it('pages --all --json lists every page exactly once, as the site predicts', async () => {
    const result = await runKumo(['pages', id, '--all', '--limit', '3', '--json'], kumoEnv);
    expect(result.code, result.stderr).toBe(0);
    const pages = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { url: string; status: string });
    const want = expected();
    expect(pages.map((page) => page.url).sort()).toEqual([...want.pages.keys()].sort());
    for (const page of pages) expect(page.status, page.url).toBe(want.pages.get(page.url)?.status);
  });

  it('status, report and report --json agree', async () => {
    const status = await runKumo(['status', id, '--json'], kumoEnv);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: 'completed' });

    const table = await runKumo(['report', id, '--top', '5'], kumoEnv);
    expect(table.code, table.stderr).toBe(0);
    const json = await runKumo(['report', id, '--json'], kumoEnv);
    const report = JSON.parse(json.stdout) as { keywords: { term: string }[] };
    expect(report.keywords.length).toBeGreaterThan(0);
    for (const keyword of report.keywords.slice(0, 5)) expect(table.stdout).toContain(keyword.term);
  });

  it('status of a crawl under its cap says it was not truncated', async () => {
    const status = await runKumo(['status', id], kumoEnv);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.split('\n')).toContain('truncated: no');
    expect(status.stdout).not.toContain('dropped');
  });

  it('a crawl cut short by maxPages shows the links it dropped and says it was truncated, in crawl and status', async () => {
    // 41 URLs, 5 admitted: 36 dropped (see startMeshSite).
    const result = await runKumo(
      ['crawl', `${mesh.url}/index.html`, '--depth', '2', '--max-pages', '5', '--no-analyze'],
      kumoEnv,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const truncatedId = /^crawl (\S+) queued$/m.exec(result.stdout)?.[1] ?? '';
    const counts = 'discovered 5  fetched 5  failed 0  skipped 0  analyzed 0  dropped 36';
    expect(result.stdout.split('\n')).toContain(
      `crawl ${truncatedId} completed: ${counts}  (truncated: maxPages 5 reached, 36 link(s) not followed)`,
    );
    const status = await runKumo(['status', truncatedId], kumoEnv);
    expect(status.code, status.stderr).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines).toContain(`counts:   ${counts}`);
    expect(lines).toContain('truncated: yes, maxPages 5 reached, 36 link(s) not followed');
    const json = await runKumo(['status', truncatedId, '--json'], kumoEnv);
    expect(JSON.parse(json.stdout)).toMatchObject({ truncated: true, counts: { dropped: 36 } });
  });

  it("crawl --sitemap of the sample site's root reads its /sitemap.xml and fetches exactly the pages it lists", async () => {
    // robots.txt names no sitemap, so the site root stands for /sitemap.xml (README's quickstart shows this run).
    const result = await runKumo(['crawl', '--sitemap', `${server.url}/`, '--depth', '0', '--no-analyze'], kumoEnv);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const sitemapId = /^crawl (\S+) queued$/m.exec(result.stdout)?.[1] ?? '';
    const listed = sitemapPaths(site.manifest).map((path) => `${server.url}${path}`);
    // The progress line of the sitemap's own result says what it is and what it handed on.
    expect(result.stdout).toContain(`${server.url}/sitemap.xml  (sitemap, ${listed.length} entries)`);
    const pages = await runKumo(['pages', sitemapId, '--all', '--json'], kumoEnv);
    expect(pages.code, pages.stderr).toBe(0);
    const results = pages.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { url: string; status: string; kind?: string; entries?: number });
    expect(results.find((page) => page.kind === 'sitemap')).toMatchObject({
      url: `${server.url}/sitemap.xml`,
      status: 'fetched',
      entries: listed.length,
    });
    const fetched = results.filter((page) => page.kind === undefined);
    expect(fetched.map((page) => page.url).sort()).toEqual([...listed].sort());
    for (const page of fetched) expect(page.status, page.url).toBe('fetched');
  });

  it('crawl --json prints only the report on stdout', async () => {
    const result = await runKumo(['crawl', seed(), '--depth', '0', '--json'], kumoEnv);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { id: string; pages: { fetched: number } };
    expect(report.pages.fetched).toBe(1);
  });

  it('--idempotency-key returns the same crawl for the same request', async () => {
    const args = ['crawl', seed(), '--depth', '0', '--no-analyze', '--idempotency-key', `${prefix}-once`];
    const first = await runKumo(args, kumoEnv);
    const second = await runKumo(args, kumoEnv);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const idOf = (text: string) => /^crawl (\S+) /m.exec(text)?.[1];
    expect(idOf(second.stdout)).toBe(idOf(first.stdout));
  });

  it.each([
    ['an unknown crawl', ['status', 'no-such-crawl'], {}, 1, /^error KUMO_\w+: /],
    ["another key's crawl looks unknown", ['status', '<id>'], { KUMO_API_KEY: 'other-key' }, 1, /^error KUMO_\w+: /],
    ['a wrong key', ['status', '<id>'], { KUMO_API_KEY: 'wrong' }, 1, /^error KUMO_\w+: /],
    ['the pages of an unknown crawl', ['pages', 'no-such-crawl'], {}, 1, /^error KUMO_\w+: /],
  ])('%s: exit 1 with the problem code', async (_label, args, env, code, stderr) => {
    const result = await runKumo(
      args.map((arg) => (arg === '<id>' ? id : arg)),
      { ...kumoEnv, ...env },
    );
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(stderr);
  });

  it('cancel sends DELETE and prints the answer', async () => {
    const response = await fetch(`${kumoEnv.KUMO_API_URL}/v1/crawls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ urls: [seed()], maxDepth: 2 }),
    });
    const { id: running } = (await response.json()) as { id: string };
    const result = await runKumo(['cancel', running], kumoEnv);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^crawl ${running} (queued|running|cancelled|completed)\n$`));
  });
});
