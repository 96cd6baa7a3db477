import { Queue, type Worker } from 'bullmq';
import type { RedisClient } from '@kumo/keyspace';
import { WorkerStuckError } from './errors.js';
import type { FetchState } from './kumo-bull-worker.js';
import type { QueueName } from './names.js';
import { isRedisUnavailable } from './redis-failure.js';

/**
 * The liveness watchdog of `createKumoWorker`: a safety net for a BullMQ worker whose fetch loop is wedged, which
 * nothing else in BullMQ or ioredis notices (the worker stays "running", jobs sit in `wait`, no error is emitted).
 *
 * What it works around (docs/decisions/0007-liveness-watchdog.md): after its BZPOPMIN watchdog fires, BullMQ resets
 * the worker's blocking connection (`resetBlockedConnection` → `RedisConnection.reconnect()` in
 * `redis-queue-backend.js` / `redis-connection.js`, added for taskforcesh/bullmq#4479 and #4585) and awaits the
 * client's `connect()` with no deadline of its own. An ioredis Cluster whose ready check fails during a failover
 * (`cluster_state:fail` between a master's death and its replica's promotion) reconnects on its own timer but never
 * settles that `connect()` — the promise's resolve is lost on `disconnect(true)` (redis/ioredis#709, the reproduction
 * in redis/ioredis#741, still so in ioredis 6.0.0's `cluster/index.js`) — so the worker waits forever. Upstream the
 * same symptom is taskforcesh/bullmq#4138 (open); taskforcesh/bullmq#4151 bounds only the reconnect of a cluster
 * whose node pool is empty (`connectClusterWithTimeout`, 30 s), not `reconnect()`.
 *
 * kumo removes the known trigger (cluster connections skip the ready check, `createRedisConnection`); this watchdog
 * catches the rest. `cluster.test.ts` ("BullMQ's blocking-connection reset…") pins the upstream behaviour on the
 * pinned versions: when it starts to fail, BullMQ or ioredis bounds that wait and this file may go.
 */

/** Default of `WORKER_LIVENESS_CHECK_MS`. */
export const DEFAULT_LIVENESS_CHECK_MS = 20_000;

/** The default reaction to a wedged worker or a critical error: a graceful stop; the supervisor starts a new one. */
export function stopThisProcess(): void {
  process.kill(process.pid, 'SIGTERM');
}

export interface LivenessOptions {
  queueName: QueueName;
  /** The worker's BullMQ key prefix. */
  prefix: string;
  /** The worker's own (shared) connection, for a read-only look at its queue. */
  connection: RedisClient;
  /** Interval between two checks, in ms. */
  checkMs: number;
  /** The worker's concurrency: a worker with every slot taken is busy, not wedged. */
  concurrency: number;
  /**
   * Jobs the worker started so far, those in flight now, and (`KumoBullWorker`) the blocking fetches that returned so
   * far: a fetch loop that returned from a fetch since the last check is not wedged, and the check reads nothing.
   */
  counters: () => { started: number; inFlight: number; fetchWaits?: number };
  /** What the fetch loop awaits (`KumoBullWorker.fetchState`), named in the error of a wedged worker. */
  fetchState?: () => FetchState;
  /** Called once, after the wedged worker has been force-closed. */
  onStuck: (error: WorkerStuckError) => void;
}

/** One liveness sample: `ok` when the worker could not have been expected to start a job. */
interface LivenessSample {
  ok: boolean;
  started: number;
  waiting: number;
}

/**
 * Every `checkMs`, looks whether the worker should have started a job: a worker is wedged when, at two checks in a
 * row, its queue had jobs waiting (`wait` or `prioritized`; queue not paused, rate-limited or maxed out) and the
 * worker ran, was not paused and had a free slot, yet it started no job between them — a healthy idle worker polls at
 * least every `drainDelay` + 1 s and is woken at once by a new job. Such a worker cannot be revived (BullMQ's fetch
 * loop awaits a promise that will never settle), so it is force-closed and `onStuck` is called. A check that cannot
 * read the queue (Redis down, a failover in progress), or after the worker met a Redis refusing work (full,
 * read-only: its fetches fail with an error, it is not wedged), decides nothing. Stops by itself when the worker closes.
 */
export function watchLiveness(worker: Worker, options: LivenessOptions): void {
  // A read-only Queue on the worker's own (shared) connection: no extra TCP connection, and no write of the queue's
  // meta hash (which would reset options such as the event-stream cap that KumoQueues sets).
  const queue = new Queue(options.queueName, {
    connection: options.connection,
    prefix: options.prefix,
    skipMetasUpdate: true,
  });
  queue.on('error', () => undefined);
  let previous: LivenessSample | null = null;
  let fetchWaits = options.counters().fetchWaits;
  let checking = false;
  let done = false;
  // A Redis that refuses writes (full, read-only) still answers the reads below, but no worker can take a job then
  // (taking one is a write): a check during such a refusal decides nothing, like one that cannot read.
  let refusedSinceCheck = false;
  worker.on('error', (error) => {
    if (isRedisUnavailable(error)) refusedSinceCheck = true;
  });

  const sample = async (): Promise<LivenessSample | null> => {
    const before = options.counters();
    // An idle loop returns from its blocking fetch at least every drainDelay + 1 s, less than `checkMs`: no read needed.
    const fetched = before.fetchWaits !== undefined && fetchWaits !== undefined && before.fetchWaits !== fetchWaits;
    fetchWaits = before.fetchWaits;
    if (fetched) return { ok: true, started: before.started, waiting: 0 };
    if (!worker.isRunning() || worker.isPaused() || worker.closing || before.inFlight >= options.concurrency) {
      return { ok: true, started: before.started, waiting: 0 };
    }
    try {
      const counts = await queue.getJobCounts('wait', 'prioritized');
      const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
      // Jobs a healthy worker would not take either: a paused, rate-limited or globally maxed-out queue.
      if (waiting > 0 && ((await queue.isPaused()) || (await queue.getRateLimitTtl()) > 0 || (await queue.isMaxed()))) {
        return { ok: true, started: before.started, waiting };
      }
      const after = options.counters();
      // A job that started or a slot that filled while we asked: alive.
      const busy = after.started !== before.started || after.inFlight >= options.concurrency;
      return { ok: busy || waiting === 0, started: before.started, waiting };
    } catch {
      return null; // Redis unreachable: nothing can be concluded.
    }
  };

  const check = async () => {
    if (checking || done) return;
    checking = true;
    try {
      const refused = refusedSinceCheck;
      refusedSinceCheck = false;
      const current = refused ? null : await sample();
      if (done) return;
      if (current && !current.ok && previous && !previous.ok && previous.started === current.started) {
        done = true;
        stop();
        const error = new WorkerStuckError(
          `worker of queue ${options.queueName} started no job for ${options.checkMs} ms while ${current.waiting} ` +
            `job(s) waited and it had a free slot: its fetch loop is wedged${describeFetch(options.fetchState?.())}; ` +
            'closing it',
        );
        await worker.close(true).catch(() => undefined);
        options.onStuck(error);
        return;
      }
      previous = current;
    } finally {
      checking = false;
    }
  };

  const timer = setInterval(() => void check(), options.checkMs);
  timer.unref();
  const stop = () => {
    done = true;
    clearInterval(timer);
    void queue.close().catch(() => undefined);
  };
  worker.once('closing', stop);
  worker.once('closed', stop);
}

/** ` (awaiting blocking fetch for 41.2 s, …; blocking connection ready)`: where a wedged fetch loop hangs. */
function describeFetch(state: FetchState | undefined): string {
  if (!state) return '';
  const awaiting = state.pending.map(({ phase, forMs }) => `${phase} for ${(forMs / 1000).toFixed(1)} s`);
  // Nothing tracked: the loop waits elsewhere (between BullMQ's own steps), which is worth knowing too.
  const what = awaiting.length > 0 ? `awaiting ${awaiting.join(', ')}` : 'awaiting nothing it tracks';
  return ` (${what}; blocking connection ${state.blockingStatus ?? 'unknown'})`;
}
