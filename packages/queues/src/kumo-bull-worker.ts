import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type LockManagerWorkerContext, type WorkerOptions } from 'bullmq';
import { BusyOnlyLockManager } from './busy-only-lock-manager.js';
import type { BlockingListClient, FetchWatch } from './fetch-watch.js';

/**
 * How often the stalled-jobs check runs while no job is active in the queue, in ms: BullMQ's own default
 * `stalledInterval`. While jobs are active (in any process), the configured `stalledInterval` applies.
 */
export const IDLE_STALLED_INTERVAL_MS = 30_000;

/**
 * How often an idle worker looks for a waiting job that has no marker, in ms. BullMQ does that (a `moveToActive`
 * round trip) each time its blocking fetch times out, every `drainDelay`; a job added, promoted, retried or moved
 * back from a stall always sets the marker that wakes the fetch at once, so the look is a safety net (a marker popped
 * by a process that died before it took the job) and runs at the idle stalled-check pace instead.
 */
export const IDLE_FETCH_INTERVAL_MS = 30_000;

/**
 * The longest wait for a delayed job that a worker sleeps on a timer of its own instead of a blocking fetch, in ms.
 * Redis ends a `BZPOPMIN` timeout on its next `hz` tick (up to 100 ms late at the default `hz 10`), so a polite
 * host's jobs started late; each late start pushed the host's later grants back, and the jobs planned behind it then
 * came early, slept in-process and asked the limiter again. A timer is precise to the millisecond and costs no
 * round trip; a job added meanwhile (its marker) is noticed when the timer ends, at most this much later.
 */
export const SHORT_DELAY_WAIT_MS = 500;

/**
 * How long a worker that took a delayed job waits for that job's end before it looks for the next job, in ms (see
 * `KumoBullWorker.moveToActive`). Short: a delayed job of another host may come due meanwhile and start this much
 * late; a page of a polite host that answers at once is done within it.
 */
export const LOOK_AFTER_JOB_MS = 50;

/** BullMQ's worker options and kumo's own. */
export interface KumoBullWorkerOptions extends WorkerOptions {
  /** The idle look for an unmarked job, in ms. @defaultValue {@link IDLE_FETCH_INTERVAL_MS} */
  idleFetchIntervalMs?: number;
  /** See {@link SHORT_DELAY_WAIT_MS}; 0 blocks on Redis for every wait. @defaultValue {@link SHORT_DELAY_WAIT_MS} */
  shortDelayWaitMs?: number;
  /**
   * The worker's side of its queue's watch over delayed jobs (see fetch-watch.ts), built from the worker's id once it
   * has one. Default: none; every worker of the queue waits for every delayed job.
   */
  fetchWatch?: (workerId: string) => FetchWatch;
}

/** The idle fetch of one worker: see {@link IDLE_FETCH_INTERVAL_MS}. */
interface IdleFetch {
  /** Blocking fetches that returned (a marker, a timeout or an error): the fetch loop is not wedged while it grows. */
  waits: number;
  /** The last blocking fetch ended by its timeout, not by a marker. */
  timedOut: boolean;
  /** When the next timeout lets BullMQ's `moveToActive` look for an unmarked job (`Date.now()` scale). */
  lookAt: number;
  /** The `blockUntil` this worker handed BullMQ in place of 0 to skip a look, until then (0: none). */
  skippedUntil: number;
  /** Ends a short wait for a delayed job at once (close, pause); undefined while none is under way. */
  shortWait: AbortController | undefined;
  /** What the fetch loop awaits now, each with its start (`Date.now()` scale): what a wedged loop is stuck in. */
  pending: Set<{ phase: FetchPhase; since: number }>;
  /** The queue's watch over delayed jobs, when the worker takes part in one. */
  watch: FetchWatch | undefined;
  /** The blocking fetch under way sleeps on the watch's wake-up list instead of BullMQ's marker. */
  asleep: boolean;
  /** Jobs this worker took since its fetch loop last waited: a second one means there is work for another worker. */
  takenSinceWait: number;
  /** The look under way follows a wait for a delayed job. */
  afterDelayedWait: boolean;
  /** BullMQ's next look (right after it took a delayed job) is put off until that job ends. */
  deferLook: boolean;
  /** The fetch loop's next wait first waits for the end of the job it took (at most {@link LOOK_AFTER_JOB_MS}). */
  awaitJobEnd: boolean;
  /** Jobs of this worker that ended (their completion reported the queue's next job or delayed time). */
  jobEnds: number;
  /** `jobEnds` when the look was put off. */
  jobEndsAtDefer: number;
  /** Ends the wait for a job's end, while one is under way. */
  jobEnded: (() => void) | undefined;
}

/** What a worker's fetch loop awaits: the liveness watchdog names it when the loop is wedged. */
export type FetchPhase =
  | 'blocking fetch'
  | 'asleep while another worker watches the delayed jobs'
  | 'reconnecting the blocking connection'
  | 'moveToActive'
  | 'timer for a delayed job'
  | 'the end of the job it took'
  | 'back-off';

/** Where a worker's fetch loop is: see {@link KumoBullWorker.fetchState}. */
export interface FetchState {
  /** What it awaits (a reconnect can run inside a blocking fetch; several slots can take jobs), oldest first. */
  pending: { phase: FetchPhase; forMs: number }[];
  /** The blocking connection's ioredis status (`ready`, `reconnecting`, …), when it has one. */
  blockingStatus: string | undefined;
}

/** The paced stalled-jobs check of one worker (kept off the class's fields: BullMQ's constructor calls into it). */
interface StalledPace {
  timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (`Date.now()` scale). */
  dueAt: number;
  running: boolean;
  checking: boolean;
}

/**
 * BullMQ's Worker with its timers proportional to work (issue 21 point 8; lesson 1: an idle worker blocks on Redis and
 * uses ~0 % CPU). BullMQ keeps two timers for a worker's whole life: lock renewal every `lockRenewTime / 2` and the
 * stalled-jobs check every `stalledInterval`, each waking an idle process (and Redis) for nothing.
 *
 * - Locks are renewed by BullMQ's lock manager, whose timer now runs only while this worker holds jobs
 *   (`BusyOnlyLockManager`).
 * - The stalled-jobs check (BullMQ's `moveStalledJobsToWait`, unchanged) runs at once when the worker starts, then
 *   every `stalledInterval` while jobs are active in the queue — held by this worker or any other — and every
 *   {@link IDLE_STALLED_INTERVAL_MS} while none is. A job can only stall while it is active; when this worker takes a
 *   job the next check comes within `stalledInterval`, and a worker process that replaces one that died checks at
 *   start, so a dead process's jobs are recovered as before. Only an idle worker that is the sole survivor notices
 *   another process's stalled job up to {@link IDLE_STALLED_INTERVAL_MS} later.
 */
export class KumoBullWorker<D = unknown, R = unknown> extends Worker<D, R> {
  // No `#` members and no field initialisers here: BullMQ's constructor (autorun) already calls
  // `startStalledCheckTimer`, before a subclass's private names exist or its initialisers run.
  declare private stalledPace: StalledPace | undefined;
  declare private idle: IdleFetch | undefined;

  protected override createLockManager(): void {
    const manager = new BusyOnlyLockManager(this as unknown as LockManagerWorkerContext, {
      lockRenewTime: this.opts.lockRenewTime ?? (this.opts.lockDuration ?? 30_000) / 2,
      lockDuration: this.opts.lockDuration ?? 30_000,
      workerId: this.id,
      ...(this.opts.name === undefined ? {} : { workerName: this.opts.name }),
    });
    manager.onFirstJob = () => this.hurryStalledCheck();
    this.lockManager = manager;
  }

  /** Starts the paced stalled-jobs check (BullMQ calls this on `run` and `resume`). */
  override async startStalledCheckTimer(): Promise<void> {
    if (this.opts.skipStalledCheck || this.closing) return;
    const pace = this.pace();
    if (pace.running) return;
    pace.running = true;
    if (!pace.checking) this.schedule(0);
  }

  /** Blocking fetches that returned so far: while this grows, the fetch loop is alive (the liveness watchdog). */
  get fetchWaits(): number {
    return this.idleFetch().waits;
  }

  /** What the fetch loop awaits now and for how long, and its blocking connection's status (for diagnostics). */
  fetchState(): FetchState {
    const idle = this.idleFetch();
    const blocking = (this as unknown as { backend: { blockingConnection?: { _client?: { status?: string } } } })
      .backend?.blockingConnection;
    const now = Date.now();
    const pending = [...idle.pending].map(({ phase, since }) => ({ phase, forMs: now - since }));
    return { pending: pending.sort((a, b) => b.forMs - a.forMs), blockingStatus: blocking?._client?.status };
  }

  /** The paced check's timer, for tests: `undefined` while none is armed, else ms until it fires. */
  get stalledCheckDueInMs(): number | undefined {
    const pace = this.pace();
    return pace.timer === undefined ? undefined : Math.max(0, pace.dueAt - Date.now());
  }

  override async pause(doNotWaitActive?: boolean): Promise<void> {
    this.stopStalledCheck();
    this.idle?.shortWait?.abort();
    await this.idle?.watch?.release();
    await super.pause(doNotWaitActive);
  }

  /** BullMQ's pauses (`runRetryDelay` after a connection error, 100 ms after a failed fetch), tracked like a fetch. */
  override async delay(...args: Parameters<Worker['delay']>): Promise<void> {
    await inPhase(this.idleFetch(), 'back-off', super.delay(...args));
  }

  override async close(force = false): Promise<void> {
    this.stopStalledCheck();
    this.idle?.shortWait?.abort();
    await this.idle?.watch?.release();
    await super.close(force);
  }

  /**
   * Every job this worker takes passes here (from `moveToActive`, or fetched with the previous job's completion). One
   * taken while another of its own runs, or a second one since the fetch loop last waited, means more work than one
   * worker takes alone: a worker asleep on the queue's watch is woken to share it.
   */
  protected override async nextJobFromJobData(
    ...args: Parameters<Worker<D, R>['nextJobFromJobData']>
  ): ReturnType<Worker<D, R>['nextJobFromJobData']> {
    const idle = this.idleFetch();
    if (args[0] && idle.watch) {
      idle.takenSinceWait++;
      const running = (this.lockManager as BusyOnlyLockManager).getActiveJobCount();
      if (idle.takenSinceWait > 1 || running > 0) idle.watch.wakeOne();
    }
    // BullMQ updates its `drained` state before its first await: a fetch loop waiting for a job's end reads it next.
    const next = super.nextJobFromJobData(...args);
    idle.jobEnds++;
    idle.jobEnded?.();
    return next;
  }

  /**
   * BullMQ looks for a second job as soon as it has taken one, and runs the first only once that look has answered.
   * After a wait for a delayed job the look mostly finds nothing (a polite host's next job is due a delay later), and
   * the job's completion, which fetches the next job in its own round trip, says the same moments later. So the look
   * right after a job taken after such a wait is put off until that job ends, for at most {@link LOOK_AFTER_JOB_MS}:
   * per polite page one round trip and one wake fewer, and the job starts a round trip sooner.
   */
  protected override async moveToActive(
    ...args: Parameters<Worker<D, R>['moveToActive']>
  ): ReturnType<Worker<D, R>['moveToActive']> {
    const idle = this.idleFetch();
    if (idle.deferLook) {
      idle.deferLook = false;
      idle.awaitJobEnd = true;
      idle.jobEndsAtDefer = idle.jobEnds;
      // As after a look that found nothing: the fetch loop waits next (`waitForJobAtIdlePace`).
      const state = this as unknown as BullFetchState;
      state.drained = true;
      state.blockUntil = 0;
      return undefined as unknown as Awaited<ReturnType<Worker<D, R>['moveToActive']>>;
    }
    const afterDelayedWait = idle.afterDelayedWait;
    idle.afterDelayedWait = false;
    const job = await super.moveToActive(...args);
    // BullMQ's loop looks again at once only below its concurrency.
    if (job && afterDelayedWait && this.concurrency > 1) idle.deferLook = true;
    return job;
  }

  private idleFetch(): IdleFetch {
    this.idle ??= {
      waits: 0,
      timedOut: false,
      lookAt: 0,
      skippedUntil: 0,
      shortWait: undefined,
      pending: new Set(),
      watch: (this.opts as KumoBullWorkerOptions).fetchWatch?.(this.id),
      asleep: false,
      takenSinceWait: 0,
      afterDelayedWait: false,
      deferLook: false,
      awaitJobEnd: false,
      jobEnds: 0,
      jobEndsAtDefer: 0,
      jobEnded: undefined,
    };
    return this.idle;
  }

  private pace(): StalledPace {
    this.stalledPace ??= { timer: undefined, dueAt: 0, running: false, checking: false };
    return this.stalledPace;
  }

  private schedule(ms: number): void {
    const pace = this.pace();
    clearTimeout(pace.timer);
    pace.dueAt = Date.now() + ms;
    pace.timer = setTimeout(() => void this.check(), ms);
    // Like BullMQ's: the worker's connections keep the process up, not this timer.
    pace.timer.unref();
  }

  private async check(): Promise<void> {
    const pace = this.pace();
    pace.timer = undefined;
    if (!pace.running || this.closing || this.isPaused()) {
      pace.running = false;
      return;
    }
    pace.checking = true;
    let active = 1; // unknown (Redis down): stay at the busy pace
    try {
      await this.checkConnectionError(async () => {
        const client = await this.backend.client;
        // BullMQ's own check (private in its typings): it emits `stalled` for each job it moves back to wait.
        const moveStalled = (this as unknown as { moveStalledJobsToWait(): Promise<void> }).moveStalledJobsToWait();
        const [, count] = await Promise.all([moveStalled, client.llen(this.keys.active!)]);
        active = count;
      });
    } finally {
      pace.checking = false;
    }
    if (!pace.running || this.closing || this.isPaused()) {
      pace.running = false;
      return;
    }
    const held = (this.lockManager as BusyOnlyLockManager).getActiveJobCount();
    this.schedule(active > 0 || held > 0 ? this.opts.stalledInterval! : IDLE_STALLED_INTERVAL_MS);
  }

  /** This worker took a job: the next stalled check comes within `stalledInterval`, not the idle pace. */
  private hurryStalledCheck(): void {
    const pace = this.stalledPace;
    const busyMs = this.opts.stalledInterval!;
    if (pace?.running && pace.timer !== undefined && pace.dueAt - Date.now() > busyMs) this.schedule(busyMs);
  }

  private stopStalledCheck(): void {
    const pace = this.pace();
    pace.running = false;
    clearTimeout(pace.timer);
    pace.timer = undefined;
  }
}

/** BullMQ's private fetch primitives the idle pace wraps (kumo-bull-worker.test.ts fails if an upgrade renames them). */
interface FetchInternals {
  waitForJob(blockUntil: number): Promise<number>;
  backend: {
    waitForJob(blockTimeoutS: number): Promise<unknown>;
    moveToActive(...args: unknown[]): Promise<unknown>;
    reconnectBlocking(): Promise<void>;
    /** The blocking connection's client, which a sleeper of the fetch watch blocks on. */
    queue: { blockingClient: Promise<BlockingListClient> | BlockingListClient | undefined };
    /** Whether Redis takes a blocking timeout in fractions of a second (6.0 and later). */
    blockingConnection?: { capabilities?: { canDoubleTimeout?: boolean } };
  };
}

/** BullMQ's private fetch state (`Worker.drained`, `Worker.blockUntil`). */
interface BullFetchState {
  drained: boolean;
  blockUntil: number;
}

/** BullMQ's default `drainDelay`, in s. */
const BLOCK_CEILING_S = 5;
const bullWaitForJob = (Worker.prototype as unknown as Partial<FetchInternals>).waitForJob;
const wrappedBackends = new WeakSet<object>();

/**
 * BullMQ's `waitForJob` (private, so installed on the prototype: BullMQ's constructor may start the fetch loop before a
 * subclass could patch an instance). It returns the time until which the worker may block, and 0 to have
 * `moveToActive` run now. After a timeout of a fetch that was not blocking until a delayed job (`blockUntil` 0, or the
 * time this returned before), it returns a time `drainDelay` ahead (at most the time of the next look) instead, so
 * the fetch blocks again without a round trip, as for a delayed job, and a marker that comes meanwhile still wakes it
 * at once. Before a wait for a delayed job the worker claims its queue's watch (`fetchWatch`): while another worker
 * holds it, this one sleeps on the watch's wake-up list until the claim ends or it is woken, then looks for a job. A
 * delayed job due within `shortDelayWaitMs` is waited for on a timer (`sleepUntilDelayed`). A marker, an error and a
 * block until a later delayed job go to BullMQ unchanged.
 */
async function waitForJobAtIdlePace(this: KumoBullWorker, blockUntil: number): Promise<number> {
  const self = this as unknown as FetchInternals;
  const idle = (this as unknown as { idleFetch(): IdleFetch }).idleFetch();
  const backend = self.backend;
  if (!wrappedBackends.has(backend)) {
    wrappedBackends.add(backend);
    const wait = backend.waitForJob.bind(backend);
    backend.waitForJob = async (blockTimeoutS: number) => {
      if (idle.asleep && idle.watch) {
        const client = await backend.queue.blockingClient;
        if (client) {
          const watch = idle.watch;
          const reconnect = () => backend.reconnectBlocking();
          const fractions = backend.blockingConnection?.capabilities?.canDoubleTimeout !== false;
          await inPhase(
            idle,
            'asleep while another worker watches the delayed jobs',
            watch.sleep(client, fractions ? blockTimeoutS : Math.ceil(blockTimeoutS), reconnect),
          );
          // As after a timeout: BullMQ's `moveToActive` looks for a job now.
          return null;
        }
      }
      const marker = await inPhase(idle, 'blocking fetch', wait(blockTimeoutS));
      idle.timedOut = marker === null;
      return marker;
    };
    // Only for diagnostics: left alone if a BullMQ version names them otherwise (kumo-bull-worker.test.ts fails then).
    if (typeof backend.moveToActive === 'function') {
      const moveToActive = backend.moveToActive.bind(backend);
      backend.moveToActive = (...args: unknown[]) => inPhase(idle, 'moveToActive', moveToActive(...args));
    }
    if (typeof backend.reconnectBlocking === 'function') {
      const reconnect = backend.reconnectBlocking.bind(backend);
      backend.reconnectBlocking = () => inPhase(idle, 'reconnecting the blocking connection', reconnect());
    }
  }
  idle.timedOut = false;
  idle.takenSinceWait = 0;
  if (idle.awaitJobEnd) {
    idle.awaitJobEnd = false;
    const ended = idle.jobEnds !== idle.jobEndsAtDefer || (await waitForJobEnd(idle));
    if (this.closing || this.isPaused()) return Infinity;
    const state = this as unknown as BullFetchState;
    // Not ended in time, or its completion fetched another job: BullMQ's look, as it would have run at once.
    if (!ended || !state.drained) return 0;
    // When the next delayed job is due, as the job's completion said.
    blockUntil = state.blockUntil;
  }
  const delayed = blockUntil !== idle.skippedUntil && blockUntil - Date.now() >= 1;
  const turn = delayed && idle.watch ? await idle.watch.claim() : undefined;
  const shortWaitMs = blockUntil - Date.now();
  let next: number;
  if (turn?.role === 'sleeper') {
    idle.asleep = true;
    try {
      next = await bullWaitForJob!.call(self, Date.now() + turn.ms);
    } finally {
      idle.asleep = false;
    }
  } else if (
    delayed &&
    shortWaitMs >= 1 &&
    shortWaitMs <= ((this.opts as KumoBullWorkerOptions).shortDelayWaitMs ?? SHORT_DELAY_WAIT_MS)
  ) {
    next = await sleepUntilDelayed(this, idle, shortWaitMs);
  } else {
    next = await bullWaitForJob!.call(self, blockUntil);
  }
  idle.waits++;
  const now = Date.now();
  idle.afterDelayedWait = delayed && next - now < 1;
  const notDelayed = blockUntil === 0 || blockUntil === idle.skippedUntil;
  if (next === 0 && idle.timedOut && notDelayed && idle.lookAt - now >= 1) {
    // Blocks for drainDelay again (not BullMQ's longer ceiling for a block until a delayed job).
    idle.skippedUntil = Math.min(idle.lookAt, now + (this.opts.drainDelay ?? BLOCK_CEILING_S) * 1000);
    return idle.skippedUntil;
  }
  // A marker of a later delayed job returns the skipped-until time itself: the look is still due then.
  if (next !== idle.skippedUntil) idle.skippedUntil = 0;
  if (next - now < 1) {
    idle.lookAt = now + ((this.opts as KumoBullWorkerOptions).idleFetchIntervalMs ?? IDLE_FETCH_INTERVAL_MS);
  }
  return next;
}

/** Marks the fetch loop as awaiting `phase` until `work` settles. */
async function inPhase<T>(idle: IdleFetch, phase: FetchPhase, work: Promise<T>): Promise<T> {
  const entry = { phase, since: Date.now() };
  idle.pending.add(entry);
  try {
    return await work;
  } finally {
    idle.pending.delete(entry);
  }
}

/** Waits for the end of the job the worker took (see `KumoBullWorker.moveToActive`): true when it ended in time. */
async function waitForJobEnd(idle: IdleFetch): Promise<boolean> {
  const timer = new AbortController();
  idle.shortWait = timer;
  const ended = new Promise<boolean>((resolve) => {
    idle.jobEnded = () => resolve(true);
  });
  const late = sleep(LOOK_AFTER_JOB_MS, false, { signal: timer.signal }).catch(() => false);
  try {
    return await inPhase(idle, 'the end of the job it took', Promise.race([ended, late]));
  } finally {
    idle.jobEnded = undefined;
    idle.shortWait = undefined;
    timer.abort();
  }
}

/**
 * Sleeps `ms` until a delayed job is due (see {@link SHORT_DELAY_WAIT_MS}) and returns 0, so that BullMQ's
 * `moveToActive` promotes and takes it then; Infinity (no `moveToActive`, as BullMQ answers a paused or closing worker)
 * when the worker is closed or paused meanwhile.
 */
async function sleepUntilDelayed(worker: KumoBullWorker, idle: IdleFetch, ms: number): Promise<number> {
  const shortWait = new AbortController();
  idle.shortWait = shortWait;
  try {
    await inPhase(idle, 'timer for a delayed job', sleep(ms, undefined, { signal: shortWait.signal }));
  } catch {
    // aborted: the worker is closing or pausing
  } finally {
    idle.shortWait = undefined;
  }
  return worker.closing || worker.isPaused() ? Infinity : 0;
}

// Left as BullMQ has it if a BullMQ version names it otherwise (kumo-bull-worker.test.ts then fails).
if (typeof bullWaitForJob === 'function') {
  Object.defineProperty(KumoBullWorker.prototype, 'waitForJob', {
    value: waitForJobAtIdlePace,
    writable: true,
    configurable: true,
  });
}
