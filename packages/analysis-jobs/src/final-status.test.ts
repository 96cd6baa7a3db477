import { describe, expect, it } from 'vitest';
import { finalStatusOf, type FinalStatus } from './final-status.js';

describe('finalStatusOf', () => {
  // name, cancel requested, fetched, failed, skipped with an error, expected
  const cases: [string, boolean, number, number, number, FinalStatus][] = [
    ['pages fetched, none failed', false, 3, 0, 0, 'completed'],
    ['some fetched, some failed', false, 2, 5, 0, 'completed'],
    ['some fetched, some unreachable', false, 2, 0, 3, 'completed'],
    ['every page failed', false, 0, 4, 0, 'failed'],
    ['every page skipped because the site was unreachable', false, 0, 0, 1, 'failed'],
    ['nothing fetched nor failed (all skipped by rule)', false, 0, 0, 0, 'completed'],
    ['cancelled after some pages', true, 3, 1, 0, 'cancelled'],
    ['cancelled before anything was fetched', true, 0, 0, 0, 'cancelled'],
    ['cancelled wins over every page failing', true, 0, 2, 1, 'cancelled'],
  ];
  it.each(cases)('%s', (_name, cancelRequested, fetched, failed, skippedWithError, expected) => {
    expect(finalStatusOf({ cancelRequested, counts: { fetched, failed }, skippedWithError })).toBe(expected);
  });
});
