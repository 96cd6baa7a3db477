import { describe, expect, it } from 'vitest';
import { ScheduleSweeper } from './schedule-sweeper.js';

/** A store of live schedules and a queue of schedulers, in memory. */
function fakes(live: string[], schedulers: string[]) {
  const touched: [string, number][] = [];
  const removed: string[] = [];
  return {
    touched,
    removed,
    store: {
      get: async (id: string) => (live.includes(id) ? ({ ttlMs: 5000 } as never) : null),
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
    },
  };
}

describe('ScheduleSweeper', () => {
  it('renews every live schedule with its TTL and removes the schedulers whose record is gone', async () => {
    const world = fakes(['s1', 's3'], ['s1', 's2', 's3']);
    const sweeper = new ScheduleSweeper({ store: world.store, queues: world.queues, intervalMs: 1000 });
    expect(await sweeper.sweepOnce()).toEqual({ renewed: 2, removed: 1 });
    expect(world.touched).toEqual([
      ['s1', 5000],
      ['s3', 5000],
    ]);
    expect(world.removed).toEqual(['s2']);
  });

  it('refuses an interval under a second, naming the option', () => {
    const world = fakes([], []);
    expect(() => new ScheduleSweeper({ store: world.store, queues: world.queues, intervalMs: 10 })).toThrow(
      /intervalMs/,
    );
  });
});
