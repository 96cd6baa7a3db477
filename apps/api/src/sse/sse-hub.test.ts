import { describe, expect, it } from 'vitest';
import { formatEvent } from './sse-hub.js';

describe('formatEvent', () => {
  it('writes id, event and data lines and a blank line', () => {
    expect(formatEvent({ id: '1-0', type: 'page', data: '{"url":"http://a/"}' })).toBe(
      'id: 1-0\nevent: page\ndata: {"url":"http://a/"}\n\n',
    );
  });

  it('splits data with line breaks into several data lines', () => {
    expect(formatEvent({ id: '2-0', type: 'done', data: 'a\nb\r\nc' })).toBe(
      'id: 2-0\nevent: done\ndata: a\ndata: b\ndata: c\n\n',
    );
  });
});
