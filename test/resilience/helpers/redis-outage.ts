import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { expectCompleteCrawl, expectProblem, jobCounts, submitCrawl, waitForEnd, waitUntil } from './crawl-checks.js';
import { expectedOutcomes } from './sites.js';
import { SERVICES } from './system.js';
import { useFaultRig } from './rig.js';

/**
 * redis-server goes away mid-crawl (`how`: SIGTERM, or SIGKILL) and comes back on the same port and directory
 * (append-only file on): while it is down the API is alive but not ready and refuses writes with a 503 problem;
 * afterwards both recover, the workers reconnect (same processes), and both crawls complete with nothing lost.
 */
export function defineRedisOutage(how: 'SIGTERM' | 'SIGKILL'): void {
  describe(`redis-server stopped with ${how} mid-crawl, then started again (same port and directory, AOF on)`, () => {
    const rig = useFaultRig(`redis-${how.toLowerCase()}`, { CRAWL_CONCURRENCY: '3' });

    const postCrawl = (url: string) =>
      rig.system.request('/v1/crawls', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ urls: [url], maxDepth: 10 }),
      });

    /** Child pids of every app, to tell a reconnect (same processes) from a crash and restart (new ones). */
    const processes = () => SERVICES.map((name) => ({ name, pids: rig.system.service(name).childPids().sort() }));

    it('503 on /readyz and on writes while down, then recovery; workers reconnect; nothing lost', async () => {
      const first = await rig.slowSite(`redis-${how}-1`, 3000);
      const id = await submitCrawl(rig.system, { urls: [`${first.server.url}/index.html`], maxDepth: 10 });
      await waitUntil(
        'a backlog of crawl jobs',
        async () => {
          const counts = (await jobCounts(rig.client.queues)).crawl!;
          return first.server.totalRequests >= 6 && counts.active! > 0 && counts.waiting! >= 2;
        },
        120_000,
      );
      const before = processes();

      await (how === 'SIGTERM' ? rig.redis.stop() : rig.redis.kill());
      // Down: alive, not ready, and writes and reads are refused with a problem — not a hang, not a 500.
      expect((await rig.system.request('/healthz', { key: null })).status).toBe(200);
      for (let round = 0; round < 3; round++) {
        await expectProblem(await rig.system.request('/readyz', { key: null }), 503, 'KUMO_API_REDIS_UNAVAILABLE');
        await expectProblem(await postCrawl(`${first.server.url}/x.html`), 503, 'KUMO_API_REDIS_UNAVAILABLE');
        await expectProblem(await rig.system.request(`/v1/crawls/${id}`), 503, 'KUMO_API_REDIS_UNAVAILABLE');
        await sleep(500);
      }

      await rig.redis.start();
      await expect
        .poll(async () => (await rig.system.request('/readyz', { key: null })).status, { timeout: 60_000 })
        .toBe(200);
      // Writes recover too: a second crawl is accepted and runs along with the first.
      const second = await rig.slowSite(`redis-${how}-2`, 3000);
      let secondId = '';
      await expect
        .poll(
          async () => {
            const response = await postCrawl(`${second.server.url}/index.html`);
            if (response.status === 202) secondId = ((await response.json()) as { id: string }).id;
            else await response.body?.cancel();
            return response.status;
          },
          { timeout: 60_000 },
        )
        .toBe(202);

      expect((await waitForEnd(rig.client.state, id)).status).toBe('completed');
      await expectCompleteCrawl(rig.system, rig.client.queues, id, expectedOutcomes(first.site, first.server));
      expect((await waitForEnd(rig.client.state, secondId)).status).toBe('completed');
      await expectCompleteCrawl(rig.system, rig.client.queues, secondId, expectedOutcomes(second.site, second.server));
      // The workers reconnected: the same processes, none crashed and was restarted by its supervisor.
      expect(processes()).toEqual(before);
    });
  });
}
