import { describe, expect, it } from 'vitest';
import { request, useStores } from './__fixtures__/crawl.js';
import { newCrawlId } from './crawl-records.js';
import { newScheduleId } from './schedule-store.js';

const suite = useStores();
const TTL = 600_000;

/** A new schedule record (no run yet); returns its id. */
async function schedule(): Promise<string> {
  const id = newScheduleId();
  await suite.stores.crawls.schedules.create({
    id,
    owner: 'owner-1',
    request,
    every: 'PT1M',
    timezone: 'UTC',
    createdAt: new Date(),
    ttlMs: TTL,
  });
  return id;
}

const lastCrawlId = async (id: string) => (await suite.stores.crawls.schedules.get(id))?.schedule.lastCrawlId;

describe('the schedule store', () => {
  it('lets one run at a time claim a schedule: a retried run keeps its claim, touch releases it', async () => {
    const schedules = suite.stores.crawls.schedules;
    const id = await schedule();
    expect(await schedules.claimRun(id, TTL, 'repeat:s:1000')).toBeNull();
    // The same run again (given back after a crash, or retried) still holds it; another run is told who does.
    expect(await schedules.claimRun(id, TTL, 'repeat:s:1000')).toBeNull();
    expect(await schedules.claimRun(id, TTL, 'repeat:s:2000')).toBe('repeat:s:1000');
    // Another holder's name takes nothing over.
    expect(await schedules.claimRun(id, TTL, 'repeat:s:2000', 'repeat:s:0')).toBe('repeat:s:1000');
    // A touch without the run's job id (the sweep's) releases nothing.
    expect(await schedules.touch(id, TTL)).toBe(true);
    expect(await schedules.claimRun(id, TTL, 'repeat:s:2000')).toBe('repeat:s:1000');
    expect(await schedules.touch(id, TTL, { crawlId: newCrawlId(), jobId: 'repeat:s:1000' })).toBe(true);
    expect(await schedules.claimRun(id, TTL, 'repeat:s:2000')).toBeNull();
    // A holder that can no longer run is taken over by naming it.
    expect(await schedules.claimRun(id, TTL, 'repeat:s:3000', 'repeat:s:2000')).toBeNull();
    expect(await schedules.claimRun(id, TTL, 'repeat:s:4000')).toBe('repeat:s:3000');
  });

  it('never puts a schedule back to an older crawl: a run given back after a later run records nothing', async () => {
    const schedules = suite.stores.crawls.schedules;
    const id = await schedule();
    const [a, b, c] = [newCrawlId(), newCrawlId(), newCrawlId()];
    // The first run (no previous crawl), then one that follows it: each becomes the latest.
    await schedules.touch(id, TTL, { crawlId: a, jobId: 'repeat:s:1000' });
    expect(await lastCrawlId(id)).toBe(a);
    await schedules.touch(id, TTL, { crawlId: b, previousId: a, jobId: 'repeat:s:2000' });
    expect(await lastCrawlId(id)).toBe(b);
    // The first run given back (its process died after it created its crawl): it found `a` again, whose previous
    // is none; `b` stays the latest.
    await schedules.touch(id, TTL, { crawlId: a, jobId: 'repeat:s:1000' });
    expect(await lastCrawlId(id)).toBe(b);
    await schedules.touch(id, TTL, { crawlId: c, previousId: a, jobId: 'repeat:s:3000' });
    expect(await lastCrawlId(id)).toBe(b);
    await schedules.touch(id, TTL, { crawlId: c, previousId: b, jobId: 'repeat:s:3000' });
    expect(await lastCrawlId(id)).toBe(c);
  });

  it('neither claims nor renews a schedule whose record is gone, and never re-creates it', async () => {
    const schedules = suite.stores.crawls.schedules;
    const id = newScheduleId();
    expect(await schedules.claimRun(id, TTL, 'repeat:s:1000')).toBe(false);
    expect(await schedules.touch(id, TTL, { crawlId: newCrawlId(), jobId: 'repeat:s:1000' })).toBe(false);
    expect(await suite.stores.store.pttl(suite.stores.keys.schedule(id))).toBe(-2);
  });
});
