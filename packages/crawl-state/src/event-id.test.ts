import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { parseEventId } from './event-id.js';

const MAX = '18446744073709551615';

describe('parseEventId: the one codec of client-supplied event ids', () => {
  it.each(['0-0', '1-0', '1795317230056-12', `${MAX}-0`, `0-${MAX}`, `${MAX}-18446744073709551614`])(
    'accepts %s',
    (id) => {
      expect(parseEventId(id)).toBe(id);
    },
  );

  it.each([
    ['empty', ''],
    ['no sequence', '12'],
    ['not a number', '12-x'],
    ['negative', '-1-0'],
    ['a leading zero', '01-0'],
    ['spaces', ' 1-0'],
    ['ms beyond 64 bits', '18446744073709551616-0'],
    ['seq beyond 64 bits', '1-18446744073709551616'],
    ['21 digits', '100000000000000000000-0'],
    ['the largest id (Redis reads nothing after it)', `${MAX}-${MAX}`],
  ])('refuses %s', (_name, id) => {
    expect(parseEventId(id)).toBeUndefined();
  });
});

describe('decodeCursor goes through the same codec', () => {
  it.each(['18446744073709551616-0', `${MAX}-${MAX}`, '01-0'])('refuses a cursor of %s', (id) => {
    expect(() => decodeCursor(encodeCursor(id))).toThrow(
      expect.objectContaining({ code: 'KUMO_STATE_INVALID_CURSOR' }),
    );
  });

  it('accepts a well-formed id past any stream end', () => {
    expect(decodeCursor(encodeCursor(`${MAX}-0`))).toBe(`${MAX}-0`);
  });
});
