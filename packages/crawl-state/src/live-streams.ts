import type { KumoKey } from '@kumo/keyspace';
import type { StateContext } from './state-context.js';

/**
 * What a process following result streams live needs (the API's SSE multiplexer): the stream keys to block on, the
 * crawl's bucket (one blocking reader per active bucket) and the bucket's wake-up stream that re-arms a blocked
 * reader when a new stream is followed.
 */
export class LiveStreams {
  constructor(private readonly context: StateContext) {}

  /** The result stream's key (the SSE multiplexer blocks on it). */
  streamKey(id: string): KumoKey<'result'> {
    return this.context.keys.events(id);
  }

  /** The crawl's bucket (0-63): one blocking reader per active bucket. */
  bucketOf(id: string): number {
    return this.context.store.keySpace.crawlBucket(id);
  }

  /** The bucket's wake-up stream: append to it (`wake`) to re-arm a reader blocked on that bucket. */
  wakeKey(bucket: number): KumoKey<'result'> {
    return this.context.keys.wake(bucket);
  }

  /** Appends to the bucket's wake-up stream (`MAXLEN ~ 16`, result TTL); returns the entry id. */
  async wake(bucket: number): Promise<string> {
    return this.context.store.xAdd(this.context.keys.wake(bucket), { wake: '1' }, this.context.resultTtlMs, {
      maxLen: 16,
    });
  }
}
