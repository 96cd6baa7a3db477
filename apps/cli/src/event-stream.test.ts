import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi, problem, sse } from './__fixtures__/fake-api.js';
import { ApiProblemError, EventStreamLostError } from './errors.js';
import { followEvents } from './event-stream.js';
import type { SseEvent } from './sse-parser.js';

const EVENTS_PATH = '/v1/crawls/c1/events';
const stream = [
  sse('1-0', 'page', { n: 1 }),
  sse('2-0', 'page', { n: 2 }),
  sse('3-0', 'progress', { n: 3 }),
  sse('4-0', 'analysis', { n: 4 }),
  sse('5-0', 'done', { n: 5 }),
];
/** The position in `stream` right after the event with this id. */
const after = (id: string | undefined) => (id ? stream.findIndex((event) => event.startsWith(`id: ${id}\n`)) + 1 : 0);

let api: FakeApi;
afterEach(() => api?.close());

async function collect(url: string, options: Partial<Parameters<typeof followEvents>[0]> = {}) {
  const events: SseEvent[] = [];
  for await (const event of followEvents({ url: new URL(url), retryMs: 1, ...options })) events.push(event);
  return events;
}

describe('followEvents', () => {
  it('reads every event to done, with the request headers', async () => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': hello\n\n');
        res.end(stream.join(''));
      })
      .start();
    const events = await collect(`${api.url}${EVENTS_PATH}`, { headers: { authorization: 'Bearer k1' } });
    expect(events.map((event) => event.id)).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0']);
    expect(events.at(-1)?.type).toBe('done');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer k1');
    expect(api.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(api.requests[0]?.headers['last-event-id']).toBeUndefined();
  });

  it('stops after done even when the server keeps the stream open', async () => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(stream.join(''));
      })
      .start();
    const events = await collect(`${api.url}${EVENTS_PATH}`);
    expect(events).toHaveLength(5);
  });

  it.each([
    ['the server destroys the socket mid-stream', 'destroy'],
    ['the server ends the response before done', 'end'],
  ] as const)('reconnects with Last-Event-ID when %s: nothing lost, nothing repeated', async (_label, how) => {
    const reconnects: string[] = [];
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (req, res) => {
        const from = after(req.headers['last-event-id'] as string | undefined);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // Two events per connection, then the connection drops.
        res.write(`retry: 1\n\n${stream.slice(from, from + 2).join('')}`);
        if (from + 2 >= stream.length) return void res.end();
        if (how === 'destroy') setTimeout(() => res.socket?.destroy(), 20);
        else res.end();
      })
      .start();
    const events = await collect(`${api.url}${EVENTS_PATH}`, {
      onReconnect: ({ lastEventId }) => reconnects.push(lastEventId),
    });
    expect(events.map((event) => event.id)).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0']);
    expect(reconnects).toEqual(['2-0', '4-0']);
    expect(api.requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, '2-0', '4-0']);
  });

  it('starts after lastEventId when given one', async () => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(stream.slice(after(req.headers['last-event-id'] as string)).join(''));
      })
      .start();
    const events = await collect(`${api.url}${EVENTS_PATH}`, { lastEventId: '3-0' });
    expect(events.map((event) => event.id)).toEqual(['4-0', '5-0']);
  });

  it.each([401, 404, 409])('ends at once on a %i problem with its code', async (status) => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (_req, res) => problem(res, status, 'KUMO_API_SOMETHING', 'no'))
      .start();
    const error = await collect(`${api.url}${EVENTS_PATH}`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error).toMatchObject({ code: 'KUMO_API_SOMETHING', status, exitCode: 1 });
    expect(api.requests).toHaveLength(1);
  });

  it('retries a 503 and carries on when the server recovers', async () => {
    let calls = 0;
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (_req, res) => {
        if (++calls <= 2) return problem(res, 503, 'KUMO_API_REDIS_UNAVAILABLE', 'redis down');
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(stream.join(''));
      })
      .start();
    const events = await collect(`${api.url}${EVENTS_PATH}`);
    expect(events).toHaveLength(5);
    expect(calls).toBe(3);
  });

  it('gives up after maxReconnects attempts without a new event', async () => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (_req, res) => problem(res, 503, 'KUMO_API_REDIS_UNAVAILABLE', 'redis down'))
      .start();
    const error = await collect(`${api.url}${EVENTS_PATH}`, { maxReconnects: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventStreamLostError);
    expect(error).toMatchObject({ code: 'KUMO_CLI_STREAM_LOST', exitCode: 2 });
    expect((error as Error).message).toContain('redis down');
    expect(api.requests).toHaveLength(3);
  });

  it('treats a silent connection as dead and reconnects', async () => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (!req.headers['last-event-id']) res.write(stream[0]);
        else res.end(stream.slice(after(req.headers['last-event-id'] as string)).join(''));
      })
      .start();
    const events = await collect(`${api.url}${EVENTS_PATH}`, { idleTimeoutMs: 200 });
    expect(events.map((event) => event.id)).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0']);
    expect(api.requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, '1-0']);
  });

  it('stops when the caller aborts', async () => {
    api = await new FakeApi()
      .route(`GET ${EVENTS_PATH}`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(stream[0]);
      })
      .start();
    const controller = new AbortController();
    const events: SseEvent[] = [];
    const error = await (async () => {
      for await (const event of followEvents({ url: new URL(`${api.url}${EVENTS_PATH}`), signal: controller.signal })) {
        events.push(event);
        controller.abort(new Error('interrupted'));
      }
    })().catch((caught: unknown) => caught);
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(Error);
    expect(api.requests).toHaveLength(1);
  });
});
