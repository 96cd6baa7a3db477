import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse-parser.js';

/** Feeds `text` in pieces of `size` characters (0: all at once) and collects every event. */
function parse(text: string, size = 0): { events: SseEvent[]; parser: SseParser } {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  if (size === 0) events.push(...parser.feed(text));
  else for (let i = 0; i < text.length; i += size) events.push(...parser.feed(text.slice(i, i + size)));
  return { events, parser };
}

const cases: { name: string; input: string; events: SseEvent[]; lastEventId?: string; retryMs?: number }[] = [
  {
    name: 'one event with type, id and data',
    input: 'id: 1-0\nevent: page\ndata: {"url":"x"}\n\n',
    events: [{ type: 'page', data: '{"url":"x"}', id: '1-0' }],
  },
  {
    name: 'no event field means message',
    input: 'data: hello\n\n',
    events: [{ type: 'message', data: 'hello', id: '' }],
  },
  {
    name: 'multi-line data is joined with LF',
    input: 'data: first\ndata: second\ndata:\ndata: fourth\n\n',
    events: [{ type: 'message', data: 'first\nsecond\n\nfourth', id: '' }],
  },
  {
    name: 'comments are skipped, also between fields',
    input: ': heartbeat\n\n:another\nevent: progress\n: in between\ndata: {}\n\n',
    events: [{ type: 'progress', data: '{}', id: '' }],
  },
  {
    name: 'CRLF line ends',
    input: 'id: 7\r\nevent: done\r\ndata: {"status":"completed"}\r\n\r\n',
    events: [{ type: 'done', data: '{"status":"completed"}', id: '7' }],
  },
  {
    name: 'bare CR line ends',
    input: 'event: a\rdata: 1\r\revent: b\rdata: 2\r\r',
    events: [
      { type: 'a', data: '1', id: '' },
      { type: 'b', data: '2', id: '' },
    ],
  },
  {
    name: 'only one leading space of a value is dropped; no space is fine',
    input: 'data:  two spaces\n\ndata:none\n\n',
    events: [
      { type: 'message', data: ' two spaces', id: '' },
      { type: 'message', data: 'none', id: '' },
    ],
  },
  {
    name: 'a field without colon has an empty value',
    input: 'data\ndata\n\n',
    events: [{ type: 'message', data: '\n', id: '' }],
  },
  {
    name: 'an event without data is not dispatched, but its id is kept',
    input: 'id: 5\nevent: page\n\ndata: x\n\n',
    events: [{ type: 'message', data: 'x', id: '5' }],
    lastEventId: '5',
  },
  {
    name: 'the id carries over to later events until changed',
    input: 'id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n',
    events: [
      { type: 'message', data: 'a', id: '1' },
      { type: 'message', data: 'b', id: '1' },
      { type: 'message', data: 'c', id: '2' },
    ],
    lastEventId: '2',
  },
  {
    name: 'an id with NULL is ignored',
    input: 'id: 3\ndata: a\n\nid: 4\0x\ndata: b\n\n',
    events: [
      { type: 'message', data: 'a', id: '3' },
      { type: 'message', data: 'b', id: '3' },
    ],
    lastEventId: '3',
  },
  {
    name: 'retry with digits sets the delay; anything else is ignored',
    input: 'retry: 2500\n\nretry: soon\n\nretry: 1e3\ndata: x\n\n',
    events: [{ type: 'message', data: 'x', id: '' }],
    retryMs: 2500,
  },
  {
    name: 'unknown fields are ignored',
    input: 'foo: bar\ndata: x\n\n',
    events: [{ type: 'message', data: 'x', id: '' }],
  },
  {
    name: 'an unfinished event at the end is not dispatched',
    input: 'data: complete\n\ndata: partial\n',
    events: [{ type: 'message', data: 'complete', id: '' }],
  },
  {
    name: 'a leading byte-order mark is dropped',
    input: '\uFEFFdata: x\n\n',
    events: [{ type: 'message', data: 'x', id: '' }],
  },
  {
    name: 'Japanese text in data',
    input: 'event: analysis\ndata: {"term":"東京"}\n\n',
    events: [{ type: 'analysis', data: '{"term":"東京"}', id: '' }],
  },
  {
    name: 'the event type resets after each event',
    input: 'event: page\ndata: 1\n\ndata: 2\n\n',
    events: [
      { type: 'page', data: '1', id: '' },
      { type: 'message', data: '2', id: '' },
    ],
  },
];

describe('SseParser', () => {
  describe.each([
    ['whole', 0],
    ['one character at a time', 1],
    ['two characters at a time', 2],
    ['seven characters at a time', 7],
  ])('fed %s', (_label, size) => {
    it.each(cases)('$name', ({ input, events, lastEventId, retryMs }) => {
      const result = parse(input, size);
      expect(result.events).toEqual(events);
      if (lastEventId !== undefined) expect(result.parser.lastEventId).toBe(lastEventId);
      if (retryMs !== undefined) expect(result.parser.retryMs).toBe(retryMs);
    });
  });

  it('counts comments (heartbeats)', () => {
    expect(parse(': a\n: b\n\n').parser.comments).toBe(2);
  });

  it('treats CR then LF in the next chunk as one line end, not two', () => {
    const parser = new SseParser();
    const events = [
      ...parser.feed('data: a\r'),
      ...parser.feed(''),
      ...parser.feed('\ndata: b\r'),
      ...parser.feed('\n\r\n'),
    ];
    expect(events).toEqual([{ type: 'message', data: 'a\nb', id: '' }]);
  });
});
