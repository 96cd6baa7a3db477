/** What the banner shows once every app is ready. */
export interface BannerInfo {
  /** `http://127.0.0.1:3000` */
  apiUrl: string;
  apiKey: string;
  boardUser: string;
  boardPassword: string;
  /** Whether the key / board credentials were generated for this run (they change on every start). */
  generated: { apiKey: boolean; board: boolean };
  /** The worker supervisors' metrics ports on 127.0.0.1 (0: off). */
  metricsPorts: { crawlWorker: number; analysisWorker: number };
  /** The sample site's start page, e.g. `http://127.0.0.1:40123/`. */
  sampleUrl: string;
  /** `redis://127.0.0.1:6379 (embedded, data in …)` or similar. */
  redis: string;
  /** Key prefix in Redis. */
  prefix: string;
  /** Whether 127.0.0.1 may be crawled (not in production), i.e. whether the demo command works. */
  demoCrawlAllowed: boolean;
}

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The one command that crawls the sample site with the CLI (run from the repository). */
export function cliCrawlCommand(info: Pick<BannerInfo, 'apiUrl' | 'apiKey' | 'sampleUrl'>): string {
  return `KUMO_API_URL=${shellQuote(info.apiUrl)} KUMO_API_KEY=${shellQuote(info.apiKey)} npx kumo crawl ${shellQuote(info.sampleUrl)} --depth 2`;
}

/** The same crawl with curl: submit it, then follow its events. */
export function curlCrawlCommand(info: Pick<BannerInfo, 'apiUrl' | 'apiKey' | 'sampleUrl'>): string {
  const body = JSON.stringify({ urls: [info.sampleUrl], maxDepth: 2 });
  return `curl -sS -X POST ${shellQuote(`${info.apiUrl}/v1/crawls`)} -H ${shellQuote(`Authorization: Bearer ${info.apiKey}`)} -H 'Content-Type: application/json' -d ${shellQuote(body)}`;
}

/** Where Prometheus scrapes: the API's /metrics and each worker supervisor's (a port of 0 is off). */
function metricsLine(info: Pick<BannerInfo, 'apiUrl' | 'metricsPorts'>): string {
  const worker = (name: string, port: number) =>
    port === 0 ? `${name} off` : `${name} http://127.0.0.1:${port}/metrics`;
  return [
    `${info.apiUrl}/metrics`,
    worker('crawl-worker', info.metricsPorts.crawlWorker),
    worker('analysis-worker', info.metricsPorts.analysisWorker),
  ].join('   ');
}

/** The text printed when kumo is up: where everything is, the credentials, and how to crawl the sample site. */
export function formatBanner(info: BannerInfo): string {
  const generated = (flag: boolean) => (flag ? '  (generated for this run)' : '');
  const lines = [
    '',
    'kumo is running.',
    '',
    `  API           ${info.apiUrl}`,
    `  API key       ${info.apiKey}${generated(info.generated.apiKey)}`,
    `  Docs          ${info.apiUrl}/docs`,
    `  Dashboard     ${info.apiUrl}/admin/queues   user ${info.boardUser}   password ${info.boardPassword}${generated(info.generated.board)}`,
    `  Metrics       ${metricsLine(info)}`,
    `  Sample site   ${info.sampleUrl}`,
    `  Redis         ${info.redis}   key prefix ${info.prefix}`,
    '',
  ];
  if (info.demoCrawlAllowed) {
    lines.push(
      'Crawl the sample site (in another terminal, from this repository):',
      '',
      `  ${cliCrawlCommand(info)}`,
      '',
      'or with curl (then follow it: curl -N -H "Authorization: Bearer <key>" <API>/v1/crawls/<id>/events):',
      '',
      `  ${curlCrawlCommand(info)}`,
      '',
    );
  } else {
    lines.push(
      'NODE_ENV=production: 127.0.0.1 is not added to CRAWL_ALLOW_HOSTS, so the sample site cannot be crawled.',
      '',
    );
  }
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}
