import { Router } from 'express';
import type { KeyStore } from '@kumo/keyspace';
import { RedisUnavailableError, ShuttingDownError } from '../errors.js';

/** How long `/readyz` waits for PING. */
const READY_TIMEOUT_MS = 1000;

/** `GET /healthz` (the process runs) and `GET /readyz` (Redis answers a PING within a second). */
export function healthRoutes(options: { store: Pick<KeyStore, 'ping'>; lifecycle: { shuttingDown: boolean } }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // A process that is shutting down takes no new traffic: the load balancer should move on.
    if (options.lifecycle.shuttingDown) throw new ShuttingDownError();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('Command timed out: PING')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([options.store.ping(), timeout]);
    } catch (error) {
      throw new RedisUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
    res.json({ status: 'ready' });
  });
  return router;
}
