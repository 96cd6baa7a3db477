import { describe, expect, it } from 'vitest';
import { ScheduleSweeper } from './schedule-sweeper.js';

/** A store of live schedules and a queue of schedulers, in memory. */
function fakes(live: string[], schedulers: string[], lost: string[] = []) {
  const touched: [string, number][] = [];
  const removed: string[] = [];
  const restored: [string, unknown][] = [];
  const lostAfter: number[] = [];
  return {
    touched,
    removed,
    restored,
    lostAfter,
    store: {
      get: async (id: string) =>
        live.includes(id)
          ? ({
              ttlMs: 5000,
              schedule: id.endsWith('cron') ? { cron: '0 3 * * *', timezone: 'Asia/Tokyo' } : { every: 'PT30M' },
            } as never)
          : null,
      touch: async (id: string, ttlMs: number) => {
        touched.push([id, ttlMs]);
        return live.includes(id);
      },
    },
    queues: {
      async *scheduleIds() {
        yield* schedulers;
      },
      removeScheduleRuns: async (id: string) => {
        removed.push(id);
        return true;
      },
      scheduleRunsLost: async (id: string, overdueMs: number) => {
        lostAfter.push(overdueMs);
        return lost.includes(id);
      },
      upsertScheduleRuns: async (id: string, repeat: unknown) => {
        restored.push([id, repeat]);
        return 0;
      },
    },
  };
}

describe('ScheduleSweeper', () => {
  it('renews every live schedule with its TTL and removes the schedulers whose record is gone', async () => {
    const world = fakes(['s1', 's3'], ['s1', 's2', 's3']);
    const sweeper = new ScheduleSweeper({ store: world.store, queues: world.queues, intervalMs: 1000 });
    expect(await sweeper.sweepOnce()).toEqual({ renewed: 2, removed: 1, restored: 0 });
    expect(world.touched).toEqual([
      ['s1', 5000],
      ['s3', 5000],
    ]);
    expect(world.removed).toEqual(['s2']);
  });

  it("adds a live schedule's lost next run again, with its own cron or interval", async () => {
    const world = fakes(
      ['s-every', 's-cron', 's-fine'],
      ['s-every', 's-cron', 's-fine', 's-gone'],
      ['s-every', 's-cron'],
    );
    const sweeper = new ScheduleSweeper({ store: world.store, queues: world.queues, intervalMs: 1000 });
    expect(await sweeper.sweepOnce()).toEqual({ renewed: 3, removed: 1, restored: 2 });
    expect(world.restored).toEqual([
      ['s-every', { every: 1_800_000 }],
      ['s-cron', { pattern: '0 3 * * *', tz: 'Asia/Tokyo' }],
    ]);
    // Only live schedules are checked, each against the default minute of grace.
    expect(world.lostAfter).toEqual([60_000, 60_000, 60_000]);
  });

  it('refuses an interval under a second, naming the option', () => {
    const world = fakes([], []);
    expect(() => new ScheduleSweeper({ store: world.store, queues: world.queues, intervalMs: 10 })).toThrow(
      /intervalMs/,
    );
  });
});
