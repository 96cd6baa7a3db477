import { createHash } from 'node:crypto';
import type { KeySpace, KumoKey } from '@kumo/keyspace';

/**
 * The keys of docs/architecture.md's key table. Every key of one crawl carries the crawl's bucket tag `{b:NN}`,
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
