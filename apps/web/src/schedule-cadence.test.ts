import { describe, expect, it } from 'vitest';
import { cadenceOf, durationInWords } from './schedule-cadence.js';

describe('a schedule interval in words', () => {
  it.each([
    ['PT1H', '1 hour'],
    ['PT30M', '30 minutes'],
    ['PT1H30M', '1 hour 30 minutes'],
    ['P1D', '1 day'],
    ['P2W', '2 weeks'],
    ['P1DT12H', '1 day 12 hours'],
    ['PT90S', '90 seconds'],
    ['PT0.5S', '0.5 seconds'],
    ['P1Y2M', '1 year 2 months'],
  ])('%s is %s', (duration, words) => {
    expect(durationInWords(duration)).toBe(words);
  });

  it.each(['P', 'PT', 'P1DT', '1 hour', 'PT1h', ''])('%j is shown as sent', (duration) => {
    expect(durationInWords(duration)).toBe(duration);
  });
});

describe('the cadence of a schedule', () => {
  it('is its interval when it has every, its cron pattern otherwise', () => {
    expect(cadenceOf({ every: 'PT2H' })).toEqual({ kind: 'every', duration: 'PT2H', words: '2 hours' });
    expect(cadenceOf({ cron: '0 9 * * 1' })).toEqual({ kind: 'cron', pattern: '0 9 * * 1' });
  });
});
