import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler } from 'express';
import type { KumoQueues } from '@kumo/queues';
import { basicAuth } from '../middleware/auth.js';

/** Where the board is mounted. */
export const BOARD_PATH = '/admin/queues';

export interface BoardOptions {
  queues: Pick<KumoQueues, 'crawl' | 'analyze' | 'aggregate'>;
  /** `BOARD_USER`. */
  user: string;
  /** `BOARD_PASSWORD`. */
  password: string;
}

/**
 * Bull Board for the crawl, analyze and aggregate queues, behind HTTP Basic auth (it has none of its own). Mount at
 * `BOARD_PATH`. The board works through the API's queue objects, so it opens no Redis connection of its own.
 */
export function boardHandlers(options: BoardOptions): RequestHandler[] {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(options.queues.crawl),
      new BullMQAdapter(options.queues.analyze),
      new BullMQAdapter(options.queues.aggregate),
    ],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'kumo queues' } },
  });
  const board = adapter.getRouter() as ReturnType<typeof adapter.getRouter> & { disable?: (setting: string) => void };
  // The board is an Express app of its own: it would add X-Powered-By again.
  board.disable?.('x-powered-by');
  return [basicAuth({ user: options.user, password: options.password, realm: 'kumo queues' }), board as RequestHandler];
}
