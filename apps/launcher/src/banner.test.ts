import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type BannerInfo, cliCrawlCommand, curlCrawlCommand, formatBanner, shellQuote } from './banner.js';

const info: BannerInfo = {
  apiUrl: 'http://127.0.0.1:3000',
  apiKey: 'kumo_abc-DEF_123',
  boardUser: 'admin',
  boardPassword: "pa ss'word",
  generated: { apiKey: true, board: false },
  metricsPorts: { crawlWorker: 9101, analysisWorker: 0 },
  sampleUrl: 'http://127.0.0.1:40123/',
  redis: 'redis://127.0.0.1:6379 (embedded, data in /repo/.data/redis)',
  prefix: 'kumo',
  demoCrawlAllowed: true,
};

/** What a POSIX shell makes of `text` as arguments, one per line. */
function shellWords(text: string): string[] {
  const result = spawnSync('sh', ['-c', `for word in ${text}; do printf '%s\\n' "$word"; done`], { encoding: 'utf8' });
  return result.stdout.split('\n').slice(0, -1);
}

describe('shellQuote', () => {
  it.each([
    'plain',
    'http://127.0.0.1:3000/v1/crawls',
    "it's",
    'a b',
    '{"urls":["x"]}',
    'Authorization: Bearer k',
    '$HOME',
    '*',
    '',
  ])('%j survives a shell as one word', (value) => {
    expect(shellWords(shellQuote(value))).toEqual([value]);
  });
});

describe('the demo commands', () => {
  it('the CLI command carries the API URL and key and crawls the sample site to depth 2', () => {
    expect(cliCrawlCommand(info)).toBe(
      'KUMO_API_URL=http://127.0.0.1:3000 KUMO_API_KEY=kumo_abc-DEF_123 npx kumo crawl http://127.0.0.1:40123/ --depth 2',
    );
  });

  it('the curl command posts the same crawl', () => {
    const words = shellWords(curlCrawlCommand(info));
    expect(words).toEqual([
      'curl',
      '-sS',
      '-X',
      'POST',
      'http://127.0.0.1:3000/v1/crawls',
      '-H',
      'Authorization: Bearer kumo_abc-DEF_123',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"urls":["http://127.0.0.1:40123/"],"maxDepth":2}',
    ]);
  });
});

describe('formatBanner', () => {
  it('shows every address, the credentials and both commands', () => {
    const banner = formatBanner(info);
    for (const expected of [
      'API           http://127.0.0.1:3000\n',
      'API key       kumo_abc-DEF_123  (generated for this run)\n',
      'Docs          http://127.0.0.1:3000/docs\n',
      "Dashboard     http://127.0.0.1:3000/admin/queues   user admin   password pa ss'word\n",
      'Metrics       http://127.0.0.1:3000/metrics   crawl-worker http://127.0.0.1:9101/metrics   analysis-worker off\n',
      'Sample site   http://127.0.0.1:40123/\n',
      'Redis         redis://127.0.0.1:6379 (embedded, data in /repo/.data/redis)   key prefix kumo\n',
      `  ${cliCrawlCommand(info)}\n`,
      `  ${curlCrawlCommand(info)}\n`,
      'Press Ctrl-C to stop.',
    ]) {
      expect(banner).toContain(expected);
    }
  });

  it('points to the results page first', () => {
    const lines = formatBanner(info).split('\n');
    const first = lines.findIndex((line) => line.startsWith('  '));
    expect(lines[first]).toBe(
      '  Results page  http://127.0.0.1:3000/   (open it in a browser and sign in with the API key)',
    );
  });

  it('says why there is no demo command in production', () => {
    const banner = formatBanner({ ...info, demoCrawlAllowed: false });
    expect(banner).not.toContain('npx kumo crawl');
    expect(banner).toContain('NODE_ENV=production');
  });
});

describe('credentials kept between local runs (#20)', () => {
  it('says which were kept from the last run, and where they are kept', () => {
    const banner = formatBanner({
      ...info,
      generated: { apiKey: false, board: true },
      kept: { apiKey: true, board: false },
      credentialsFile: '/repo/.data/credentials.json',
    });
    expect(banner).toContain('API key       kumo_abc-DEF_123  (kept from the last run)\n');
    expect(banner).toContain("password pa ss'word  (generated for this run)\n");
    expect(banner).toContain('kept in /repo/.data/credentials.json (mode 0600) for the next start');
  });

  it('says nothing of the kind for configured credentials', () => {
    const banner = formatBanner({ ...info, generated: { apiKey: false, board: false } });
    expect(banner).not.toMatch(/kept from the last run|generated for this run|credentials\.json/);
  });
});
