import { describe, expect, it } from 'vitest';
import { KeySpace } from './key-space.js';
import { renderKeyLayoutTable } from './key-table.js';

describe('renderKeyLayoutTable', () => {
  it('shows keys without prefix, with {b:NN} for the bucket and <hash> for a SHA-256, in padded columns', () => {
    const space = new KeySpace({ prefix: 'anything' });
    const table = renderKeyLayoutTable(space, [
      (keySpace) => [
        { key: keySpace.crawlKey('result', '<id>', 'crawl'), holds: 'hash', writtenBy: 'api', readBy: 'workers' },
        { key: keySpace.key('result', 'idem', 'a'.repeat(64)), holds: 'string', writtenBy: 'api', readBy: 'api' },
      ],
    ]);
    expect(table.split('\n')).toEqual([
      '| key                        | holds  | written by | read by |',
      '| -------------------------- | ------ | ---------- | ------- |',
      '| `result:{b:NN}:crawl:<id>` | hash   | api        | workers |',
      '| `result:idem:<hash>`       | string | api        | api     |',
    ]);
  });
});
