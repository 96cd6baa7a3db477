import { crawlSchema, scheduleSchema, type Schedule } from '@kumo/contract';
import { freePort } from '@kumo/local-redis';
import { sampleSite, type SiteServer, startSiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runCommand, runKumo } from '../helpers/cli-run.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { type AppProcess, startApp } from '../helpers/processes.js';

/**
 * `kumo schedules` (issue 17) as a user runs it: the built CLI against the real API and workers, which run the
 * schedules. The shortest interval is lowered (`SCHEDULE_MIN_INTERVAL_MS`) so that a schedule runs within seconds.
 */
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('clisch');
const apiKey = 'cli-schedules-key';
let server: SiteServer;
let apps: AppProcess[] = [];
let kumoEnv: Record<string, string>;
let otherEnv: Record<string, string>;

beforeAll(async () => {
  server = await startSiteServer({ site: sampleSite(), host: '127.0.0.1', port: 0 });
  const apiPort = await freePort();
  const env = testEnv({
    redisUrl,
    prefix,
    overrides: {
      API_PORT: String(apiPort),
      API_KEYS: `${apiKey},other-key`,
      BOARD_USER: 'u',
      BOARD_PASSWORD: 'password1',
      SCHEDULE_MIN_INTERVAL_MS: '1000',
    },
  });
  apps = (['api', 'crawl-worker', 'analysis-worker'] as const).map((app) => startApp(app, env));
  await Promise.all(apps.map((app) => app.waitReady(1, 120_000)));
  kumoEnv = { PATH: env.PATH, HOME: env.HOME, KUMO_API_URL: `http://127.0.0.1:${apiPort}`, KUMO_API_KEY: apiKey };
  otherEnv = { ...kumoEnv, KUMO_API_KEY: 'other-key' };
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGTERM', 30_000)));
  await server?.close();
  const env = { PATH: process.env.PATH ?? '' };
  const keys = await runCommand('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}:*`], { env });
  const names = keys.stdout.split('\n').filter(Boolean);
  for (let i = 0; i < names.length; i += 500)
    await runCommand('redis-cli', ['-u', redisUrl, 'DEL', ...names.slice(i, i + 500)], { env });
});

/** `kumo schedules …` that must succeed; its stdout. */
async function kumoOk(args: string[], env = kumoEnv): Promise<string> {
  const result = await runKumo(args, env);
  expect(result.code, `kumo ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The rows of a `kumo schedules` table, cells split on the two-space column gap. */
function tableRows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .slice(2)
    .map((line) => line.split(/ {2,}/));
}

describe('kumo schedules against the running system', () => {
  let every: Schedule;
  let cronId: string;

  it('lists nothing before the first schedule', async () => {
    expect(await kumoOk(['schedules'])).toBe('(no schedules)\n');
  });

  it('create --every sends the crawl options as kumo crawl does; --json prints the schedule', async () => {
    const stdout = await kumoOk([
      'schedules',
      'create',
      `${server.url}/index.html`,
      '--every',
      'PT2S',
      '--depth',
      '0',
      '--no-analyze',
      '--json',
    ]);
    every = scheduleSchema.parse(JSON.parse(stdout));
    expect(every).toMatchObject({
      every: 'PT2S',
      timezone: 'UTC',
      crawl: { urls: [`${server.url}/index.html`], maxDepth: 0, analyze: false, maxPages: 100, scope: 'same-host' },
    });
    expect(every).not.toHaveProperty('cron');
  });

  it('create --cron in a time zone prints the schedule and its next run in UTC', async () => {
    const stdout = await kumoOk([
      'schedules',
      'create',
      '--sitemap',
      `${server.url}/`,
      '--cron',
      '0 6 * * *',
      '--timezone',
      'Asia/Tokyo',
    ]);
    const lines = stdout.trimEnd().split('\n');
    cronId = /^schedule (\S+) created$/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(cronId).not.toBe('');
    expect(lines).toContain('runs:       cron 0 6 * * *  (Asia/Tokyo)');
    // 06:00 in Tokyo is 21:00 UTC the day before.
    expect(lines).toContainEqual(expect.stringMatching(/^next run: {3}\d{4}-\d\d-\d\d 21:00:00 UTC$/));
    expect(lines).toContain(`urls:       sitemap:${server.url}/`);
    expect(lines).toContain('last crawl: -');
  });

  it('the table shows both, newest first; the interval schedule has run, and its last crawl is one of its runs', async () => {
    // The interval schedule's first run is at once; wait until the API names its crawl.
    await vi.waitFor(
      async () => {
        const items = (await kumoOk(['schedules', '--json']))
          .trim()
          .split('\n')
          .map((line) => scheduleSchema.parse(JSON.parse(line)));
        expect(items.find((item) => item.id === every.id)?.lastCrawlId).toBeDefined();
      },
      { timeout: 60_000, interval: 500 },
    );
    const stdout = await kumoOk(['schedules']);
    expect(stdout.split('\n')[0]).toMatch(/^id +runs +timezone +next run \(UTC\) +last crawl +created \(UTC\) +urls$/);
    const [cronRow, everyRow] = tableRows(stdout);
    expect(cronRow).toEqual([
      cronId,
      'cron 0 6 * * *',
      'Asia/Tokyo',
      expect.stringMatching(/ 21:00:00$/),
      '-',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      `${server.url}/`,
    ]);
    expect(everyRow?.slice(0, 3)).toEqual([every.id, 'every PT2S', 'UTC']);
    expect(everyRow?.[6]).toBe(`${server.url}/index.html`);
    const lastCrawl = everyRow?.[4] ?? '-';
    expect(lastCrawl).not.toBe('-');
    const crawl = crawlSchema.parse(JSON.parse(await kumoOk(['status', lastCrawl, '--json'])));
    expect(crawl).toMatchObject({ scheduleId: every.id, request: { urls: [`${server.url}/index.html`], maxDepth: 0 } });
  });

  it('show prints one schedule as create does, with its latest crawl; --json is what the API holds', async () => {
    const lines = (await kumoOk(['schedules', 'show', cronId])).trimEnd().split('\n');
    expect(lines[0]).toBe(`id:         ${cronId}`);
    expect(lines).toContain('runs:       cron 0 6 * * *  (Asia/Tokyo)');
    expect(lines).toContain('last crawl: -');
    const shown = scheduleSchema.parse(JSON.parse(await kumoOk(['schedules', 'show', every.id, '--json'])));
    expect(shown).toMatchObject({ id: every.id, every: 'PT2S', lastCrawlId: expect.any(String) });
    const result = await runKumo(['schedules', 'show', every.id], otherEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error KUMO_API_SCHEDULE_NOT_FOUND: /);
  });

  it('pages with the cursor like kumo list', async () => {
    const first = await runKumo(['schedules', '--limit', '1'], kumoEnv);
    expect(first.code, first.stderr).toBe(0);
    expect(tableRows(first.stdout).map((row) => row[0])).toEqual([cronId]);
    const cursor = /^more: kumo schedules --cursor (\S+) {2}\(or --all\)$/.exec(first.stderr.trim())?.[1];
    expect(cursor).toBeDefined();
    const second = await kumoOk(['schedules', '--limit', '1', '--cursor', cursor ?? '']);
    expect(tableRows(second).map((row) => row[0])).toEqual([every.id]);
    const all = await kumoOk(['schedules', '--all', '--limit', '1', '--json']);
    expect(
      all
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id),
    ).toEqual([cronId, every.id]);
  });

  it("another key neither sees nor deletes them: its delete is the API's 404 code, exit 1", async () => {
    expect(await kumoOk(['schedules'], otherEnv)).toBe('(no schedules)\n');
    const result = await runKumo(['schedules', 'delete', every.id], otherEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error KUMO_API_SCHEDULE_NOT_FOUND: /);
  });

  it.each([
    ['an interval below the shortest', ['--every', 'PT0.5S'], 'every'],
    ['an interval that is no ISO 8601 duration', ['--every', '1 hour'], 'every'],
    ['a cron field out of range', ['--cron', '61 * * * *'], 'cron'],
    ['an unknown time zone', ['--every', 'PT1H', '--timezone', 'Mars/Olympus_Mons'], 'timezone'],
  ])("create with %s: the API's field error, exit 1", async (_label, args, path) => {
    const result = await runKumo(['schedules', 'create', `${server.url}/`, ...args], kumoEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error KUMO_API_VALIDATION: .*\\n {2}${path}: `));
    expect(result.stdout).toBe('');
  });

  it('delete removes a schedule; a second delete is exit 1 with the 404 code', async () => {
    expect(await kumoOk(['schedules', 'delete', every.id])).toBe(`schedule ${every.id} deleted\n`);
    const again = await runKumo(['schedules', 'delete', every.id], kumoEnv);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error KUMO_API_SCHEDULE_NOT_FOUND: /);
    expect(await kumoOk(['schedules', 'delete', cronId])).toBe(`schedule ${cronId} deleted\n`);
    expect(await kumoOk(['schedules'])).toBe('(no schedules)\n');
  });
});
