import { createHash } from 'node:crypto';
import type { KeySpace, KeyTable, KumoKey } from '@kumo/keyspace';

/**
 * The keys of one crawl, and the idempotency keys of the API (docs/architecture.md's key table lists them from
 * `crawlKeyTable` below). Every key of one crawl carries the crawl's bucket tag `{b:NN}`,
 * so each script, MULTI and pipeline of a crawl stays in one cluster slot.
 */
export class CrawlKeys {
  constructor(private readonly keySpace: KeySpace) {}

  /** `result:{b:NN}:crawl:<id>` hash: status, request, times, owner, cancel flag, counters. */
  record(crawlId: string): KumoKey<'result'> {
    return this.keySpace.crawlKey('result', crawlId, 'crawl');
  }

  /** `result:{b:NN}:events:<id>` stream: `type` + `data` (JSON) per event. */
  events(crawlId: string): KumoKey<'result'> {
    return this.keySpace.crawlKey('result', crawlId, 'events');
  }

  /** `result:{b:NN}:analysis-index:<id>` hash: url → stream id of its `analysis` event. */
  analysisIndex(crawlId: string): KumoKey<'result'> {
    return this.keySpace.crawlKey('result', crawlId, 'analysis-index');
  }

  /** `result:{b:NN}:page-index:<id>` hash: url → stream id of its `page` event (a retried job appends once). */
  pageIndex(crawlId: string): KumoKey<'result'> {
    return this.keySpace.crawlKey('result', crawlId, 'page-index');
  }

  /** `result:{b:NN}:report:<id>` string: the report JSON. */
  report(crawlId: string): KumoKey<'result'> {
    return this.keySpace.crawlKey('result', crawlId, 'report');
  }

  /** `tmp:{b:NN}:seen:<id>` set of normalised URLs. */
  seen(crawlId: string): KumoKey<'tmp'> {
    return this.keySpace.crawlKey('tmp', crawlId, 'seen');
  }

  /** `tmp:{b:NN}:text:<id>:<page>` string: a page text waiting for analysis. */
  text(crawlId: string, pageKey: string): KumoKey<'tmp'> {
    return this.keySpace.crawlKey('tmp', crawlId, 'text', pageKey);
  }

  /** `tmp:{b:NN}:texts:<id>` set of the page keys with a stored text (so cleanup needs no SCAN). */
  texts(crawlId: string): KumoKey<'tmp'> {
    return this.keySpace.crawlKey('tmp', crawlId, 'texts');
  }

  /** `lock:{b:NN}:progress:<id>` string with `PX <interval>`: the progress-event throttle. */
  progress(crawlId: string): KumoKey<'lock'> {
    return this.keySpace.crawlKey('lock', crawlId, 'progress');
  }

  /** `result:{b:NN}:wake` stream of a bucket. */
  wake(bucket: number): KumoKey<'result'> {
    return this.keySpace.bucketWakeKey(bucket);
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
  const id = '<id>';
  return [
    {
      key: keys.record(id),
      holds: 'hash: status, request, times, owner, cancel flag, counters',
      writtenBy: 'api, workers',
      readBy: 'api, workers',
    },
    {
      key: keys.events(id),
      holds: 'stream: `type` + `data` (JSON) per event',
      writtenBy: 'workers',
      readBy: 'api (SSE, pages), aggregate',
    },
    {
      key: keys.pageIndex(id),
      holds: 'hash: url -> stream id of its `page` event (appends are idempotent per URL)',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
    {
      key: keys.analysisIndex(id),
      holds: 'hash: url -> stream id of its `analysis` event',
      writtenBy: 'analyze',
      readBy: 'api (pages), analyze',
    },
    { key: keys.report(id), holds: 'string: the report JSON', writtenBy: 'aggregate', readBy: 'api' },
    {
      key: keys.wake(0),
      holds: 'stream, `MAXLEN ~ 16`: re-arms the SSE reader blocked on the bucket',
      writtenBy: 'api',
      readBy: 'api',
    },
    {
      key: keys.idempotency('<owner>', '<Idempotency-Key>'),
      holds: 'string: crawl id + body hash, 24 h',
      writtenBy: 'api',
      readBy: 'api',
    },
    { key: keys.seen(id), holds: 'set of normalised URLs', writtenBy: 'api, crawl', readBy: 'crawl' },
    {
      key: keys.text(id, '<page>'),
      holds: 'string: page text waiting for analysis',
      writtenBy: 'crawl',
      readBy: 'analyze',
    },
    {
      key: keys.texts(id),
      holds: 'set of page keys with a stored text (clean-up without SCAN)',
      writtenBy: 'crawl',
      readBy: 'aggregate',
    },
    {
      key: keys.progress(id),
      holds: 'string, `PX 250`: progress-event throttle',
      writtenBy: 'workers',
      readBy: 'workers',
    },
  ];
};
