import { describe, expect, it } from 'vitest';
import { decodeCrawlIdSegment, isCrawlId, newCrawlId } from './crawl-records.js';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('newCrawlId', () => {
  it('makes distinct ids of c + 20 base36 characters, safe as key segment and BullMQ job id', () => {
    const ids = Array.from({ length: 2000 }, newCrawlId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^c[0-9a-z]{20}$/);
      expect(isCrawlId(id)).toBe(true);
    }
    const characters = new Set(ids.join('').slice(1));
    expect(characters.size).toBe(36);
  });

  it.each(['', 'c', 'C0123456789abcdefghij', 'c0123456789abcdefghi:', 'c{0123456789abcdefgh}'])(
    'isCrawlId(%j) is false',
    (value) => {
      expect(isCrawlId(value)).toBe(false);
    },
  );
});

describe('cursor', () => {
  it('round-trips a stream id', () => {
    expect(decodeCursor(encodeCursor('1795317230056-12'))).toBe('1795317230056-12');
  });
});

describe('decodeCrawlIdSegment', () => {
  it.each(['%ZZ', '%', 'c%E0%A4%A', '%C0'])('is undefined for the malformed percent-encoding %j', (segment) => {
    expect(decodeCrawlIdSegment(segment)).toBeUndefined();
  });

  it('decodes a well-formed segment (isCrawlId then decides)', () => {
    expect(decodeCrawlIdSegment('c0123456789abcdefghij')).toBe('c0123456789abcdefghij');
    expect(decodeCrawlIdSegment('%41%42')).toBe('AB');
  });
});
