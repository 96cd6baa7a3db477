import { Router } from 'express';
import { parseEventId } from '@kumo/crawl-state';
import { ShuttingDownError, StreamClosedError, ValidationError } from '../errors.js';
import { compareStreamIds } from '../sse/stream-id.js';
import type { Subscription } from '../sse/stream-multiplexer.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';

/** The `Last-Event-ID` header through the one event-id codec; 400 for anything it refuses. */
function lastEventIdOf(header: string | undefined): string | undefined {
  const raw = header?.trim() || undefined;
  if (raw === undefined) return undefined;
  const id = parseEventId(raw);
  if (id === undefined) {
    throw new ValidationError('Invalid Last-Event-ID.', [
      { path: 'Last-Event-ID', message: 'must be the id of an event of this stream' },
    ]);
  }
  return id;
}

/**
 * `GET /v1/crawls/:id/events`: the crawl's result stream as server-sent events, replayed from the start (or after
 * `Last-Event-ID`), then live through the process's multiplexer; ends after `done`. A reconnect at or after the
 * `done` event (what an EventSource does once the stream ended) answers 204 No Content, which an EventSource
 * treats as final: nothing more will ever come, so it stops instead of reconnecting.
 */
export function eventsRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/events', async (req, res) => {
    const lastEventId = lastEventIdOf(req.get('last-event-id'));
    const { crawl, doneEventId } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    if (lastEventId !== undefined && doneEventId !== undefined && compareStreamIds(lastEventId, doneEventId) >= 0) {
      res.status(204).end();
      return;
    }
    if (ctx.lifecycle.shuttingDown) throw new ShuttingDownError();

    const connection = ctx.hub.open(res);
    let finished = false;
    const subscription: Subscription = ctx.multiplexer.subscribe(crawl.id, {
      ...(lastEventId === undefined ? {} : { after: lastEventId }),
      onEvent: (event) => {
        if (connection.ended) throw new StreamClosedError('event stream closed');
        const pending = connection.send(event);
        if (event.type === 'done') {
          // The contract: the stream ends after `done`.
          finished = true;
          connection.end();
          subscription.close();
        }
        return pending;
      },
    });
    connection.onEnd(() => subscription.close());
    subscription.ready.catch((error: unknown) => {
      if (!connection.ended && !finished) {
        ctx.logger.warn({ err: error, crawlId: crawl.id, reqId: req.id }, 'event replay failed');
        // A transient failure (ids are validated above, so Redis cannot refuse them): ask the client to come back
        // with Last-Event-ID; the replay resumes where it stopped.
        connection.end(2000);
      }
    });
  });
  return router;
}
