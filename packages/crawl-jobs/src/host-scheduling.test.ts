import { describe, expect, it } from 'vitest';
import type { CrawlRequest } from '@kumo/contract';
import type { CrawlJobData, Job } from '@kumo/queues';
import { createHostScheduling, type HostSchedulingDeps } from './host-scheduling.js';
import type { HostAcquireResult } from './host-state.js';

const request = { urls: ['http://busy.test/'], maxDepth: 1, maxPages: 10, analyze: false } as unknown as CrawlRequest;
const job = { data: { crawlId: 'c1', url: 'http://busy.test/a', depth: 1 } } as unknown as Job<CrawlJobData>;

/** A scheduling whose limiter answers `answers` in turn (then grants), recording when each acquire came. */
function schedulingWith(answers: HostAcquireResult[]) {
  const acquiredAt: number[] = [];
  const deps = {
    crawler: {
      options: { userAgent: 'kumo-test' },
      fetchRobots: async () => ({ isAllowed: () => true, crawlDelayMs: () => undefined }),
    },
    state: { records: { isCancelRequested: async () => false } },
    queues: { addChildren: async () => undefined },
    limiter: {
      acquire: async () => {
        acquiredAt.push(performance.now());
        return answers.shift() ?? { granted: true, lease: { host: 'busy.test', id: 'c1|lease' } };
      },
      release: async () => undefined,
      plan: async () => [],
    },
    logger: { warn: () => undefined },
    jitter: 0.5,
    minJitterMs: 10,
    holdMs: 2000,
    maxHolds: 5,
    now: Date.now,
    random: () => 0,
  } as unknown as HostSchedulingDeps;
  return { scheduling: createHostScheduling(deps), acquiredAt };
}

describe('HostScheduling.withLease', () => {
  it('asks a busy host again after growing pauses (1, 2, 4, 8 ms …), not at once five times over', async () => {
    // A slot that overran its estimate: the limiter can only say "any moment now" (1 ms), four times.
    const busy: HostAcquireResult = { granted: false, reason: 'busy', waitMs: 1 };
    const { scheduling, acquiredAt } = schedulingWith([busy, busy, busy, busy]);
    const result = await scheduling.withLease(job, 'token', request, undefined, async () => 'fetched');
    expect(result).toBe('fetched');
    expect(acquiredAt).toHaveLength(5);
    const pauses = acquiredAt.slice(1).map((at, index) => at - acquiredAt[index]!);
    [1, 2, 4, 8].forEach((least, index) => expect(pauses[index]).toBeGreaterThanOrEqual(least - 0.5));
  });
});
