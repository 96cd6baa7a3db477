import { describe, expect, it } from 'vitest';
import { useStores } from './__fixtures__/crawl.js';

// A long progress interval: only the first write of a crawl emits progress until the lock is removed.
const suite = useStores({ progressIntervalMs: 3_600_000 });

describe('the report', () => {
  it('suite.stores and reads the report', async () => {
    const id = await suite.created();
    const report = {
      id,
      pages: { fetched: 1, failed: 0 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    };
    await suite.stores.crawls.reports.putReport(id, report);
    expect(await suite.stores.crawls.reports.getReport(id)).toEqual(report);
  });
});
