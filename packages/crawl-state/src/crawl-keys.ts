import { createHash } from 'node:crypto';
import type { KeySpace, KeyTable, KeyTableRow, KumoKey, Purpose } from '@kumo/keyspace';

/**
 * The keys named by a crawl id alone (`<purpose>:{b:NN}:<segment>:<id>`): each one's purpose, name segment and row of
 * docs/architecture.md's key table. `CrawlKeys` has one builder per entry (`keys.record(id)`, `keys.seen(id)`, …).
 */
const PER_CRAWL_KEYS = {
  record: {
    purpose: 'result',
    segment: 'crawl',
    holds:
      'hash: status, request, times, owner, cancel flag, counters, webhook secret and deliveries, scheduleId and ' +
      'previousId (a schedule run)',
    writtenBy: 'api, workers',
    readBy: 'api, workers',
  },
  events: {
    purpose: 'result',
    segment: 'events',
    holds: 'stream: `type` + `data` (JSON) per event',
    writtenBy: 'workers',
    readBy: 'api (SSE, pages), aggregate',
  },
  pageIndex: {
    purpose: 'result',
    segment: 'page-index',
    holds: 'hash: url -> stream id of its `page` event (appends are idempotent per URL)',
    writtenBy: 'crawl',
    readBy: 'crawl',
  },
  analysisIndex: {
    purpose: 'result',
    segment: 'analysis-index',
    holds: 'hash: url -> stream id of its `analysis` event',
    writtenBy: 'analyze',
    readBy: 'api (pages), analyze',
  },
  pageTexts: {
    purpose: 'result',
    segment: 'page-texts',
    holds: 'hash: url -> visible text of the page (`store: ["text"]`)',
    writtenBy: 'crawl',
    readBy: 'api (pages, export)',
  },
  pageLinks: {
    purpose: 'result',
    segment: 'page-links',
    holds: 'hash: url -> outgoing links, one per line (`store: ["links"]`)',
    writtenBy: 'crawl',
    readBy: 'api (pages, export)',
  },
  report: {
    purpose: 'result',
    segment: 'report',
    holds: 'string: the report JSON',
    writtenBy: 'aggregate',
    readBy: 'api',
  },
  validators: {
    purpose: 'cache',
    segment: 'validators',
    holds:
      'hash: url -> `{ etag, lastModified, links, page }` of a page fetched with validators (the next run fetches ' +
      'it conditionally; a 304 reuses its links and its analysis)',
    writtenBy: 'crawl',
    readBy: 'crawl (the next run)',
  },
  seen: { purpose: 'tmp', segment: 'seen', holds: 'set of normalised URLs', writtenBy: 'api, crawl', readBy: 'crawl' },
  dropped: {
    purpose: 'tmp',
    segment: 'dropped',
    holds: 'set of normalised URLs `maxPages` turned away (not in seen)',
    writtenBy: 'api, crawl',
    readBy: 'api, crawl',
  },
  texts: {
    purpose: 'tmp',
    segment: 'texts',
    holds: 'set of page keys with a stored text (clean-up without SCAN)',
    writtenBy: 'crawl',
    readBy: 'aggregate',
  },
  progress: {
    purpose: 'lock',
    segment: 'progress',
    holds: 'string, `PX 250`: progress-event throttle',
    writtenBy: 'workers',
    readBy: 'workers',
  },
} as const satisfies Record<string, Omit<KeyTableRow, 'key'> & { purpose: Purpose; segment: string }>;

type PerCrawlName = keyof typeof PER_CRAWL_KEYS;

/** The builders of `PER_CRAWL_KEYS`, one per entry; a base class, so `CrawlKeys` instances carry them as methods. */
const PerCrawlKeys = class {
  constructor(keySpace: KeySpace) {
    for (const [name, { purpose, segment }] of Object.entries(PER_CRAWL_KEYS)) {
      Object.defineProperty(this, name, { value: (crawlId: string) => keySpace.crawlKey(purpose, crawlId, segment) });
    }
  }
} as new (keySpace: KeySpace) => {
  readonly [N in PerCrawlName]: (crawlId: string) => KumoKey<(typeof PER_CRAWL_KEYS)[N]['purpose']>;
};

/**
 * The keys of one crawl, and the idempotency keys of the API (docs/architecture.md's key table lists them from
 * `crawlKeyTable` below). Every key of one crawl carries the crawl's bucket tag `{b:NN}`,
 * so each script, MULTI and pipeline of a crawl stays in one cluster slot.
 */
export class CrawlKeys extends PerCrawlKeys {
  constructor(private readonly keySpace: KeySpace) {
    super(keySpace);
  }

  /** `tmp:{b:NN}:text:<id>:<page>` string: a page text waiting for analysis. */
  text(crawlId: string, pageKey: string): KumoKey<'tmp'> {
    return this.keySpace.crawlKey('tmp', crawlId, 'text', pageKey);
  }

  /** `result:{b:NN}:wake` stream of a bucket. */
  wake(bucket: number): KumoKey<'result'> {
    return this.keySpace.bucketWakeKey(bucket);
  }

  /**
   * `result:owner-crawls:<owner>`: one owner's crawls, newest last (`OwnerIndex`). No hash tag: only single-key
   * commands touch it, so on a cluster it lives wherever its name hashes to, apart from the crawls' buckets.
   */
  ownerCrawls(owner: string): KumoKey<'result'> {
    return this.keySpace.key('result', 'owner-crawls', owner);
  }

  /**
   * `result:schedule:<id>`: a schedule's record (`ScheduleStore`). No hash tag: only single-key commands and
   * scripts touch it.
   */
  schedule(scheduleId: string): KumoKey<'result'> {
    return this.keySpace.key('result', 'schedule', scheduleId);
  }

  /** `result:owner-schedules:<owner>`: one owner's schedules, newest last (an `OwnerIndex` of schedules). */
  ownerSchedules(owner: string): KumoKey<'result'> {
    return this.keySpace.key('result', 'owner-schedules', owner);
  }

  /** `result:idempotency:<owner>:<sha256 of the Idempotency-Key>` (hashed: the header may hold any characters). */
  idempotency(owner: string, idempotencyKey: string): KumoKey<'result'> {
    const hash = createHash('sha256').update(idempotencyKey).digest('hex');
    return this.keySpace.key('result', 'idempotency', owner, hash);
  }
}

/** The crawl state's rows of docs/architecture.md's key table (`npm run docs:generate`). */
export const crawlKeyTable: KeyTable = (keySpace) => {
  const keys = new CrawlKeys(keySpace);
  return [
    ...Object.entries(PER_CRAWL_KEYS).map(([name, { holds, writtenBy, readBy }]) => ({
      key: keys[name as PerCrawlName]('<id>'),
      holds,
      writtenBy,
      readBy,
    })),
    {
      key: keys.text('<id>', '<page>'),
      holds: 'string: page text waiting for analysis',
      writtenBy: 'crawl',
      readBy: 'analyze',
    },
    {
      key: keys.wake(0),
      holds: 'stream, `MAXLEN ~ 16`: re-arms the SSE reader blocked on the bucket',
      writtenBy: 'api',
      readBy: 'api',
    },
    {
      key: keys.ownerCrawls('<owner>'),
      holds: 'zset, scores 0: `<created ms>:<id>` per crawl of the owner (crawl-long TTL)',
      writtenBy: 'api, workers',
      readBy: 'api',
    },
    {
      key: keys.schedule('<id>'),
      holds:
        'hash: owner, crawl request, cron or every, timezone, createdAt, lastCrawlId, runJob (the run in flight), ' +
        'ttlMs (a TTL longer than the interval, renewed by every run and by the schedule sweep)',
      writtenBy: 'api, crawl (schedule runs)',
      readBy: 'api, crawl (schedule runs)',
    },
    {
      key: keys.ownerSchedules('<owner>'),
      holds: "zset, scores 0: `<created ms>:<id>` per schedule of the owner (the schedules' longest TTL)",
      writtenBy: 'api, crawl (schedule runs)',
      readBy: 'api',
    },
    {
      key: keys.idempotency('<owner>', '<Idempotency-Key>'),
      holds: 'string: crawl id + body hash, 24 h',
      writtenBy: 'api',
      readBy: 'api',
    },
  ];
};
