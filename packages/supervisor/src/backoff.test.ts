import { describe, expect, it } from 'vitest';
import { RestartWindow } from './backoff.js';
import { restartDelay } from './index.js';

describe('restartDelay', () => {
  const backoff = { initialMs: 500, maxMs: 30_000 };
  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [6, 30_000],
    [60, 30_000],
    [5_000, 30_000],
  ])('after %i consecutive deaths waits %i ms', (consecutive, delay) => {
    expect(restartDelay(consecutive, backoff)).toBe(delay);
  });

  it('is 0 with an initial delay of 0, however many deaths', () => {
    expect(restartDelay(5_000, { initialMs: 0, maxMs: 100 })).toBe(0);
  });
});

describe('RestartWindow', () => {
  it('allows `count` restarts within the window and refuses the next', () => {
    const window = new RestartWindow(3, 1_000);
    expect([0, 10, 20].map((t) => window.record(t))).toEqual([true, true, true]);
    expect(window.record(30)).toBe(false);
    expect(window.size(30)).toBe(3);
  });

  it('forgets restarts older than the window', () => {
    const window = new RestartWindow(2, 1_000);
    expect(window.record(0)).toBe(true);
    expect(window.record(500)).toBe(true);
    expect(window.record(999)).toBe(false);
    expect(window.record(1_000)).toBe(true);
    expect(window.size(1_600)).toBe(1);
  });

  it('with a count of 0 allows no restart at all', () => {
    expect(new RestartWindow(0, 1_000).record(0)).toBe(false);
  });
});
