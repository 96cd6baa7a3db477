import { describe, expect, it } from 'vitest';
import { parseScheduleSpec } from './schedule-spec.js';

const MINUTE = 60_000;

describe('parseScheduleSpec', () => {
  it.each([
    [{ every: 'PT1M' }, { every: MINUTE }, MINUTE],
    [{ every: 'PT1H30M' }, { every: 90 * MINUTE }, 90 * MINUTE],
    [{ every: 'P1D', timezone: 'Asia/Tokyo' }, { every: 1440 * MINUTE }, 1440 * MINUTE],
    [{ cron: '*/5 * * * *' }, { pattern: '*/5 * * * *', tz: 'UTC' }, 5 * MINUTE],
    [{ cron: '0 9 * * *', timezone: 'Asia/Tokyo' }, { pattern: '0 9 * * *', tz: 'Asia/Tokyo' }, 1440 * MINUTE],
  ])('%j runs on %j, at most %i ms apart', (input, repeat, intervalMs) => {
    expect(parseScheduleSpec(input, MINUTE)).toMatchObject({ repeat, intervalMs });
  });

  it.each([
    [{}, 'cron'],
    [{ cron: '* * * * *', every: 'PT1M' }, 'every'],
    [{ cron: '* * * *' }, 'cron'],
    [{ cron: '0 0 * * * *' }, 'cron'],
    [{ cron: '* 25 * * *' }, 'cron'],
    [{ every: 'PT59S' }, 'every'],
    [{ every: 'one hour' }, 'every'],
    [{ every: 'P2Y' }, 'every'],
    [{ every: 'PT1H', timezone: 'Tokyo' }, 'timezone'],
  ])('refuses %j at %s', (input, path) => {
    const result = parseScheduleSpec(input, MINUTE);
    expect(Array.isArray(result)).toBe(true);
    expect((result as { path: string }[]).map((error) => error.path)).toContain(path);
  });
});
