import { describe, expect, it } from 'vitest';
import { useStores } from './__fixtures__/crawl.js';

// A long progress interval: only the first write of a crawl emits progress until the lock is removed.
const suite = useStores({ progressIntervalMs: 3_600_000 });

describe('live streams', () => {
  it('exposes the stream key, bucket and wake key for the SSE reader', async () => {
    const { crawls, keySpace } = suite.stores;
    const id = await suite.created();
    const bucket = crawls.live.bucketOf(id);
    expect(keySpace.tagOf(crawls.live.streamKey(id))).toBe(keySpace.tagOf(crawls.live.wakeKey(bucket)));
    const reader = await suite.stores.store.duplicate();
    try {
      const pending = reader.readStreams(
        [
          { key: crawls.live.streamKey(id), afterId: '$' },
          { key: crawls.live.wakeKey(bucket), afterId: '$' },
        ],
        { blockMs: 10_000 },
      );
      await crawls.live.wake(bucket);
      const batches = await pending;
      expect(batches.map((b) => b.key)).toEqual([crawls.live.wakeKey(bucket)]);
    } finally {
      reader.close();
    }
  });
});
