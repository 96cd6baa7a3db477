import { reportDiffSchema } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { diffKeywords } from './report-diff.js';

const kw = (term: string, score: number) => ({ term, score });

describe('diffKeywords', () => {
  it.each([
    [
      'nothing changed',
      [kw('雲', 2), kw('雨', 1)],
      [kw('雲', 2), kw('雨', 1)],
      { added: [], removed: [], rising: [], falling: [] },
    ],
    [
      'a keyword new to the top, one gone',
      [kw('雲', 2), kw('雨', 1)],
      [kw('雲', 2), kw('雪', 1.5)],
      { added: [kw('雪', 1.5)], removed: [kw('雨', 1)], rising: [], falling: [] },
    ],
    [
      'scores that rose and fell, largest change first',
      [kw('雲', 2), kw('雨', 1), kw('風', 1), kw('雷', 0.5)],
      [kw('雨', 4), kw('雷', 0.75), kw('雲', 1.5), kw('風', 0.25)],
      {
        added: [],
        removed: [],
        rising: [
          { term: '雨', from: 1, to: 4 },
          { term: '雷', from: 0.5, to: 0.75 },
        ],
        falling: [
          { term: '風', from: 1, to: 0.25 },
          { term: '雲', from: 2, to: 1.5 },
        ],
      },
    ],
    [
      'added and removed ordered by score, ties by term',
      [kw('a', 1), kw('b', 3), kw('c', 1)],
      [kw('z', 1), kw('y', 1), kw('x', 2)],
      {
        added: [kw('x', 2), kw('y', 1), kw('z', 1)],
        removed: [kw('b', 3), kw('a', 1), kw('c', 1)],
        rising: [],
        falling: [],
      },
    ],
    ['no previous keywords', [], [kw('雲', 1)], { added: [kw('雲', 1)], removed: [], rising: [], falling: [] }],
  ])('%s', (_name, previous, current, expected) => {
    const diff = diffKeywords('prev-1', previous, current);
    expect(diff).toEqual({ previousId: 'prev-1', ...expected });
    expect(reportDiffSchema.safeParse(diff).success).toBe(true);
  });

  it('compares only the top `limit` keywords of each report', () => {
    const previous = Array.from({ length: 120 }, (_, i) => kw(`t${i}`, 200 - i));
    // t100…t119 were below the top 100 before; now t100 is in it and t99 dropped out.
    const current = [...previous.slice(0, 99), kw('t100', 101), kw('t99', 100)];
    const diff = diffKeywords('p', previous, current);
    expect(diff.added).toEqual([kw('t100', 101)]);
    expect(diff.removed).toEqual([kw('t99', 101)]);
    expect(diff.rising).toEqual([]);
    expect(diffKeywords('p', previous, current, 98).removed).toEqual([]);
  });
});
