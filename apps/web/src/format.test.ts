import { describe, expect, it } from 'vitest';
import { formatDate, formatDateIn } from './format.js';

describe('a time in a schedule’s zone', () => {
  it("reads the instant on that zone's clock and names the zone", () => {
    // Monday 00:00 UTC is Monday 09:00 in Tokyo.
    expect(formatDateIn('2026-12-07T00:00:00.000Z', 'Asia/Tokyo')).toBe('7 Dec 2026, 09:00 Asia/Tokyo');
    expect(formatDateIn('2026-12-07T00:00:00.000Z', 'UTC')).toBe('7 Dec 2026, 00:00 UTC');
  });

  it("falls back to the browser's zone for a zone it does not know", () => {
    expect(formatDateIn('2026-12-07T00:00:00.000Z', 'Mars/Olympus_Mons')).toBe(formatDate('2026-12-07T00:00:00.000Z'));
  });
});
