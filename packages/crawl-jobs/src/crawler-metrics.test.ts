import { blockedChannel, fetchChannel, type BlockedEvent, type FetchEvent } from '@kumo/crawler';
import { createMetrics } from '@kumo/observability';
import { describe, expect, it } from 'vitest';
import { bridgeCrawlerMetrics } from './crawler-metrics.js';

describe('bridgeCrawlerMetrics', () => {
  it('counts fetches by status and purpose, observes bytes, counts blocked connections, and stops on unsubscribe', async () => {
    const metrics = createMetrics({ app: 'test', defaultMetrics: false });
    const stop = bridgeCrawlerMetrics(metrics);
    const fetches: FetchEvent[] = [
      { url: 'http://a.test/', status: 200, ms: 5, bytes: 2000, purpose: 'page' },
      { url: 'http://a.test/x', status: 200, ms: 5, bytes: 3000, purpose: 'page' },
      { url: 'http://a.test/robots.txt', status: 404, ms: 1, bytes: 10, purpose: 'robots' },
      { url: 'http://b.test/', status: 0, ms: 1, bytes: 0, purpose: 'page', error: 'KUMO_CRAWLER_TIMEOUT' },
    ];
    for (const event of fetches) fetchChannel.publish(event);
    blockedChannel.publish({
      url: 'http://c.test/',
      host: 'c.test',
      address: '10.0.0.1',
      category: 'private',
    } satisfies BlockedEvent);
    stop();
    fetchChannel.publish(fetches[0]);

    const values = async (name: string) =>
      // Histogram values carry the name of their series (`_sum`, `_count`, `_bucket`); prom-client omits it in the type.
      (await metrics.registry.getSingleMetric(name)!.get()).values.map((entry) => ({
        metricName: (entry as { metricName?: string }).metricName,
        labels: { ...entry.labels },
        value: entry.value,
      }));
    expect(await values('kumo_fetch_total')).toEqual([
      { metricName: undefined, labels: { status: '200', purpose: 'page' }, value: 2 },
      { metricName: undefined, labels: { status: '404', purpose: 'robots' }, value: 1 },
      { metricName: undefined, labels: { status: '0', purpose: 'page' }, value: 1 },
    ]);
    const bytes = await values('kumo_fetch_bytes');
    expect(bytes).toContainEqual({ metricName: 'kumo_fetch_bytes_sum', labels: { purpose: 'page' }, value: 5000 });
    expect(bytes).toContainEqual({ metricName: 'kumo_fetch_bytes_count', labels: { purpose: 'page' }, value: 3 });
    expect(await values('kumo_fetch_blocked_total')).toEqual([
      { metricName: undefined, labels: { category: 'private' }, value: 1 },
    ]);
  });
});
