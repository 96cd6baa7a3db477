import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.js';

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries };
}

describe('SseParser', () => {
  const stream = 'id: 1-0\nevent: page\ndata: {"url":"a"}\n\n: heartbeat\n\nid: 1-1\nevent: done\ndata: {"x":1}\n\n';

  it('reads id, event and data of each event, and ignores comments', () => {
    expect(parse([stream]).events).toEqual([
      { id: '1-0', event: 'page', data: '{"url":"a"}' },
      { id: '1-1', event: 'done', data: '{"x":1}' },
    ]);
  });

  it('gives the same events whatever the chunk boundaries (one character at a time)', () => {
    expect(parse([...stream]).events).toEqual(parse([stream]).events);
  });

  it('accepts CRLF and CR line ends, even when a CRLF is split across chunks', () => {
    expect(parse(['id: 7\r', '\nevent: progress\rdata: {}\r\n\r', '\n']).events).toEqual([
      { id: '7', event: 'progress', data: '{}' },
    ]);
  });

  it('joins multi-line data, defaults the event name, and keeps the last id for later events', () => {
    expect(parse(['id: 5\ndata: a\ndata: b\n\ndata: c\n\n']).events).toEqual([
      { id: '5', event: 'message', data: 'a\nb' },
      { id: '5', event: 'message', data: 'c' },
    ]);
  });

  it('reports retry: with digits only, and waits for the blank line before dispatching', () => {
    const { events, retries } = parse(['retry: 2000\nretry: soon\ndata: x\n']);
    expect(retries).toEqual([2000]);
    expect(events).toEqual([]);
  });
});
