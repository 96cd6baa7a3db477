import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { beginWork, workInFlight, workScopedEventLoopDelay } from './work-scope.js';

// An idle process must not wake for its event-loop delay monitor (lesson 1: idle workers block on Redis and use ~0 %
// CPU; issue 21 point 8): the monitor samples only while work is in flight.
describe('work-scoped event-loop delay', () => {
  it('samples only while work is in flight', async () => {
    const monitor = workScopedEventLoopDelay(10);
    await sleep(120);
    expect(monitor.count).toBe(0);
    expect(monitor.min).toBe(0);
    expect(monitor.percentile(99)).toBe(0);

    const end = beginWork();
    const endToo = beginWork();
    await sleep(120);
    end();
    expect(workInFlight()).toBe(1);
    await sleep(60);
    endToo();
    endToo(); // a second call does nothing
    expect(workInFlight()).toBe(0);
    const sampled = monitor.count;
    expect(sampled).toBeGreaterThan(0);
    expect(monitor.max).toBeGreaterThan(0);

    await sleep(120);
    expect(monitor.count).toBe(sampled);
    monitor.reset();
    expect(monitor.count).toBe(0);
  });

  it("keeps prom-client's nodejs_eventloop_lag_* metrics, from samples taken while work was in flight only", async () => {
    const metrics = createMetrics({ app: 'test' });
    // A scrape: prom-client sets every lag metric in the collect of nodejs_eventloop_lag_seconds, then resets.
    let scraped: Map<string, number> = new Map();
    const scrape = async () => {
      const json = await metrics.registry.getMetricsAsJSON();
      scraped = new Map(json.map((metric) => [metric.name, Number(metric.values[0]?.value)]));
    };
    const value = (name: string) => scraped.get(name) ?? Number.NaN;
    // Idle for longer than the 1 s resolution: no sample, and 0 rather than an empty histogram's 2^63 ns.
    await sleep(1300);
    await scrape();
    expect(value('nodejs_eventloop_lag_min_seconds')).toBe(0);
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBe(0);

    const end = beginWork();
    await sleep(2300);
    end();
    await scrape();
    expect(value('nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0);
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    // Each scrape resets the histogram; idle again, nothing new is sampled.
    await sleep(1300);
    await scrape();
    expect(value('nodejs_eventloop_lag_max_seconds')).toBe(0);
  });
});
