import { generateSite } from '@kumo/sample-site';
import { describe, expect, it } from 'vitest';
import { expectCompleteCrawl, submitCrawl, waitForEnd } from './helpers/crawl-checks.js';
import { expectedOutcomes, expectedOutcomesWithFaults } from './helpers/sites.js';
import { useFaultRig } from './helpers/rig.js';

const ATTEMPTS = 3;
const rig = useFaultRig('faulty-generated', { CRAWL_ATTEMPTS: String(ATTEMPTS), CRAWL_RETRY_BACKOFF_MS: '50' });

describe('generated sites served with faults (slow, dropped connections, 503s, garbage bodies)', () => {
  it('a generated site with faults that never recover: faulted pages fail coded, the rest is crawled once', async () => {
    const site = generateSite({ pages: 60, seed: 'faulty-generated', linksPerPage: 4, bytesPerPage: 2000 });
    const server = await rig.serve({
      site,
      faults: {
        slowMs: 150,
        slowEvery: 3,
        // With this seed, 9 puts every kind on the reachable part: 7 drops, 4 errors, 3 garbage pages of 44.
        dropEvery: 9,
        errorEvery: 9,
        garbageEvery: 9,
        exempt: ['/robots.txt', '/index.html'],
      },
    });
    const id = await submitCrawl(rig.system, { urls: [`${server.url}/index.html`], maxDepth: 10 });
    expect((await waitForEnd(rig.client.state, id)).status).toBe('completed');
    const expected = expectedOutcomesWithFaults(site, server, {
      drop: { status: 'failed', code: 'KUMO_CRAWLER_CONNECTION' },
      error: { status: 'failed', code: 'KUMO_CRAWLER_HTTP_5XX', httpStatus: 503 },
      garbage: { status: 'fetched', httpStatus: 200 },
    });
    const kinds = new Set([...expected.keys()].map((url) => server.faultOf(new URL(url).pathname)));
    expect([...kinds].sort(), 'every fault kind is on the crawled part of the site').toEqual(
      ['drop', 'error', 'garbage', null].sort(),
    );
    await expectCompleteCrawl(rig.system, rig.client.queues, id, expected);
    for (const [url, want] of expected) {
      const path = new URL(url).pathname;
      const fault = server.faultOf(path);
      if (want.reason === 'robots') expect(server.requests.get(path), path).toBeUndefined();
      else expect(server.requests.get(path), path).toBe(fault === 'drop' || fault === 'error' ? ATTEMPTS : 1);
    }
  });

  it('a generated site whose faults clear after one try: retries recover every page', async () => {
    const site = generateSite({ pages: 40, seed: 'faulty-recovers', linksPerPage: 4, bytesPerPage: 2000 });
    const server = await rig.serve({
      site,
      faults: { dropEvery: 5, errorEvery: 5, times: 1, exempt: ['/robots.txt', '/index.html'] },
    });
    const id = await submitCrawl(rig.system, { urls: [`${server.url}/index.html`], maxDepth: 10 });
    expect((await waitForEnd(rig.client.state, id)).status).toBe('completed');
    const expected = expectedOutcomes(site, server);
    await expectCompleteCrawl(rig.system, rig.client.queues, id, expected);
    let retried = 0;
    for (const [url, want] of expected) {
      const path = new URL(url).pathname;
      if (want.reason === 'robots') continue;
      const fault = server.faultOf(path);
      expect(server.requests.get(path), path).toBe(fault === null ? 1 : 2);
      if (fault !== null) retried += 1;
    }
    expect(retried).toBeGreaterThan(2);
  });
});
