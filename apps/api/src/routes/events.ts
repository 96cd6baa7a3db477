import { Router } from 'express';
import { isStreamId } from '@kumo/keyspace';
import { ShuttingDownError, ValidationError } from '../errors.js';
import type { Subscription } from '../sse/stream-multiplexer.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';

/**
 * `GET /v1/crawls/:id/events`: the crawl's result stream as server-sent events, replayed from the start (or after
 * `Last-Event-ID`), then live through the process's multiplexer; ends after `done`.
 */
export function eventsRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/events', async (req, res) => {
    const lastEventId = req.get('last-event-id')?.trim() || undefined;
    if (lastEventId !== undefined && !isStreamId(lastEventId)) {
      throw new ValidationError('Invalid Last-Event-ID.', [
        { path: 'Last-Event-ID', message: 'must be the id of an event of this stream' },
      ]);
    }
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    if (ctx.lifecycle.shuttingDown) throw new ShuttingDownError();

    const connection = ctx.hub.open(res);
    let finished = false;
    const subscription: Subscription = ctx.multiplexer.subscribe(crawl.id, {
      ...(lastEventId === undefined ? {} : { after: lastEventId }),
      onEvent: (event) => {
        if (connection.ended) throw new Error('event stream closed');
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
        // Ask the client to come back with Last-Event-ID; the replay resumes where it stopped.
        connection.end(2000);
      }
    });
  });
  return router;
}
