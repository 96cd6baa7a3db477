import { Router } from 'express';
import type { KeySpace, KeyStore, KumoKey } from '@kumo/keyspace';
import { RedisUnavailableError, ShuttingDownError } from '../errors.js';

/** How long `/readyz` waits for its PING and its probe write. */
const READY_TIMEOUT_MS = 1000;
/** TTL of the probe key: it only has to outlive the write that proves Redis takes writes. */
const PROBE_TTL_MS = 10_000;

/**
 * `lock:readyz` — the probe key `/readyz` writes (with a short TTL) to find out that Redis takes writes: a Redis that
 * answers PING but refuses writes (full under noeviction, a read-only replica) cannot serve the API.
 */
export function readyProbeKey(keySpace: KeySpace): KumoKey<'lock'> {
  return keySpace.key('lock', 'readyz');
}

/**
 * `GET /healthz` (the process runs) and `GET /readyz`: Redis answers a PING and takes a probe write (SET of
 * `lock:readyz` with a TTL), both within a second; else 503 problem. Reads may still work while Redis refuses
 * writes, but new crawls and their results cannot: a load balancer should send traffic elsewhere.
 */
export function healthRoutes(options: {
  store: Pick<KeyStore, 'ping' | 'set' | 'keySpace'>;
  lifecycle: { shuttingDown: boolean };
}): Router {
  const router = Router();
  const probeKey = readyProbeKey(options.store.keySpace);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // A process that is shutting down takes no new traffic: the load balancer should move on.
    if (options.lifecycle.shuttingDown) throw new ShuttingDownError();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('Command timed out: readyz')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        Promise.all([options.store.ping(), options.store.set(probeKey, String(Date.now()), PROBE_TTL_MS)]),
        timeout,
      ]);
    } catch (error) {
      throw new RedisUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
    res.json({ status: 'ready' });
  });
  return router;
}
