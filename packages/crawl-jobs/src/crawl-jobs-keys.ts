import type { KeySpace, KeyTable, KumoKey } from '@kumo/keyspace';

/**
 * The keys the crawl stage shares across processes: the per-host limiter's (tagged `{h:<host>}`, so one script
 * touches one slot) and the robots.txt cache.
 */
export class CrawlJobsKeys {
  constructor(private readonly keySpace: KeySpace) {}

  /** `ratelimit:{h:<host>}:leases` zset: lease id -> lease expiry (ms). */
  hostLeases(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'leases');
  }

  /** `ratelimit:{h:<host>}:state` hash: `next` (earliest next start) and `backoff` (back-off end), in ms. */
  hostState(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'state');
  }

  /** `cache:robots:<origin>` string: the origin's robots.txt, shared by every crawl process. */
  robots(origin: string): KumoKey<'cache'> {
    return this.keySpace.key('cache', 'robots', origin);
  }
}

/** The crawl stage's rows of docs/architecture.md's key table (`npm run docs:generate`). */
export const crawlJobsKeyTable: KeyTable = (keySpace) => {
  const keys = new CrawlJobsKeys(keySpace);
  return [
    { key: keys.robots('<origin>'), holds: 'string: robots.txt', writtenBy: 'crawl', readBy: 'crawl' },
    {
      key: keys.hostLeases('<host>'),
      holds: 'zset: request leases of the host -> their expiry',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
    {
      key: keys.hostState('<host>'),
      holds: 'hash: next request start, back-off end',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
  ];
};
