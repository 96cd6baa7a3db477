import { setTimeout as sleep } from 'node:timers/promises';
import {
  KeyStore,
  type BoundCommands,
  type KeySpace,
  type KeyTable,
  type KumoKey,
  type RedisClient,
} from '@kumo/keyspace';
import { COMMANDS } from './commands.js';

// The watch over a queue's delayed jobs (issue 14, lesson 1): of all the worker processes of a queue, one waits for
// the next delayed job and the others sleep. Without it every process woke for every delayed job of a polite host
// (a timer, a `moveToActive` for nothing, and the marker each promotion and each take adds): with two crawl processes,
// 3–4 CPU ms of the ~16 a page of a 250 ms crawl cost (decision 0026).

/** How long one claim of the watch lasts, in ms: the others sleep that long, then one of them may take over. */
export const FETCH_WATCH_CLAIM_MS = 2000;

/**
 * After its claim ran out, how long the last holder leaves the watch to the others, in ms: longer than Redis may end
 * a sleeper's `BLPOP` late (its next `hz` tick, 100 ms at the default `hz 10`), so the watch changes hands and no
 * process keeps every job.
 */
export const FETCH_WATCH_GRACE_MS = 150;

/** A holder stops counting on its claim this much before Redis ends it (round trip, clocks that drift). */
const CLAIM_MARGIN_MS = 20;

/** The least time between two wake-ups one worker sends, in ms: one is enough to start a sleeper taking jobs. */
const WAKE_INTERVAL_MS = 50;

/** What a worker about to wait for a delayed job does, and for how long that holds (ms). */
export type WatchTurn =
  /** It holds the watch: it waits for the job (a timer, or a blocking fetch on the queue's marker). */
  | { role: 'holder'; ms: number }
  /** Another worker holds it: sleep on the wake-up list until the claim ends or somebody wakes it. */
  | { role: 'sleeper'; ms: number }
  /** Nobody holds it, but this worker just did (or Redis did not answer): wait as if there were no watch. */
  | { role: 'unheld'; ms: number };

/** The keys of the queues' own coordination (BullMQ's keys are its own, under `bull:{q}`). */
export class QueueKeys {
  constructor(private readonly keySpace: KeySpace) {}

  /** `lock:fetch-watch:<queue>` string: `<worker id>|<end of its claim, ms>`, the worker that waits for delayed jobs. */
  fetchWatch(queue: string): KumoKey<'lock'> {
    return this.keySpace.key('lock', 'fetch-watch', queue);
  }

  /** `lock:fetch-wake:<queue>` list: at most one element, popped by a sleeping worker that it wakes. */
  fetchWake(queue: string): KumoKey<'lock'> {
    return this.keySpace.key('lock', 'fetch-wake', queue);
  }
}

/** The queues' rows of docs/architecture.md's key table (`npm run docs:generate`). */
export const queuesKeyTable: KeyTable = (keySpace) => {
  const keys = new QueueKeys(keySpace);
  return [
    {
      key: keys.fetchWatch('<queue>'),
      holds: 'string: the worker that waits for the next delayed job, and until when',
      writtenBy: 'workers',
      readBy: 'workers',
    },
    {
      key: keys.fetchWake('<queue>'),
      holds: 'list: a wake-up for a worker asleep while another waits for the delayed jobs',
      writtenBy: 'workers',
      readBy: 'workers',
    },
  ];
};

export interface FetchWatchOptions {
  /** The worker's connection (not the blocking one). */
  connection: RedisClient;
  keySpace: KeySpace;
  queueName: string;
  /** The worker's id (BullMQ's `worker.id`). */
  workerId: string;
  /** @defaultValue {@link FETCH_WATCH_CLAIM_MS} */
  claimMs?: number;
  /** @defaultValue {@link FETCH_WATCH_GRACE_MS} */
  graceMs?: number;
}

/** The part of an ioredis client a sleeper blocks on (the worker's blocking connection). */
export interface BlockingListClient {
  blpop(key: string, timeoutS: number): Promise<[string, string] | null>;
}

/**
 * One worker's side of its queue's watch: it claims the watch before it waits for a delayed job, sleeps when another
 * worker holds it, and wakes a sleeper when it finds more work than it takes alone (a job while another of its own is
 * still running, or two in a row). A claim lasts {@link FETCH_WATCH_CLAIM_MS}: the others then wake, take any job that
 * is due, and one of them holds the watch next, so a process that dies holding it delays the queue's delayed jobs by
 * at most that much. Jobs that are not delayed still wake every waiting worker through BullMQ's marker, except a
 * sleeper, which the holder (waiting at most 500 ms on a timer, or blocked on the marker) stands in for.
 */
export class FetchWatch {
  readonly #commands: BoundCommands<'claimFetchWatch' | 'releaseFetchWatch' | 'wakeFetchWatchers'>;
  readonly #watchKey: KumoKey<'lock'>;
  readonly #wakeKey: KumoKey<'lock'>;
  readonly #workerId: string;
  readonly #claimMs: number;
  readonly #graceMs: number;
  /** Until when this worker holds the watch, as far as it can count on (`Date.now()` scale; 0: it does not). */
  #heldUntil = 0;
  #lastWake = Number.NEGATIVE_INFINITY;

  constructor(options: FetchWatchOptions) {
    const { claimFetchWatch, releaseFetchWatch, wakeFetchWatchers } = COMMANDS;
    this.#commands = new KeyStore(options.connection, options.keySpace).bindCommands({
      claimFetchWatch,
      releaseFetchWatch,
      wakeFetchWatchers,
    });
    const keys = new QueueKeys(options.keySpace);
    this.#watchKey = keys.fetchWatch(options.queueName);
    this.#wakeKey = keys.fetchWake(options.queueName);
    this.#workerId = options.workerId;
    this.#claimMs = options.claimMs ?? FETCH_WATCH_CLAIM_MS;
    this.#graceMs = options.graceMs ?? FETCH_WATCH_GRACE_MS;
  }

  /** True while this worker holds the watch. */
  get holding(): boolean {
    return Date.now() < this.#heldUntil;
  }

  /** The turn of a worker about to wait for a delayed job: no round trip while it holds the watch. */
  async claim(): Promise<WatchTurn> {
    const now = Date.now();
    if (now < this.#heldUntil) return { role: 'holder', ms: this.#heldUntil - now };
    let reply: unknown;
    try {
      reply = await this.#commands.claimFetchWatch({
        keys: [{ key: this.#watchKey, ttl: this.#claimMs + this.#graceMs }],
        args: [this.#workerId, this.#claimMs, this.#graceMs],
      });
    } catch {
      // Redis is away: the worker's own fetch finds out and backs off; meanwhile it waits as if alone.
      return { role: 'unheld', ms: 0 };
    }
    const [code, ms] = (reply as [number, number]).map(Number) as [number, number];
    if (code === 1) {
      this.#heldUntil = now + ms - CLAIM_MARGIN_MS;
      return { role: 'holder', ms };
    }
    return code === 0 ? { role: 'sleeper', ms } : { role: 'unheld', ms };
  }

  /**
   * Sleeps on the wake-up list for at most `timeoutS` (the claim's end), on the worker's blocking connection; resolves
   * on a wake-up or the timeout alike. Like BullMQ's own blocking fetch it does not trust the connection to answer in
   * time: 1 s past the timeout it gives up and reconnects the blocking connection (`reconnect`).
   */
  async sleep(client: BlockingListClient, timeoutS: number, reconnect: () => Promise<void>): Promise<void> {
    const popped = client.blpop(this.#wakeKey, timeoutS);
    popped.catch(() => null);
    const watchdog = new AbortController();
    const late = sleep(timeoutS * 1000 + 1000, 'late' as const, { signal: watchdog.signal }).catch(() => 'aborted');
    try {
      if ((await Promise.race([popped, late])) === 'late') await reconnect();
    } finally {
      watchdog.abort();
    }
  }

  /**
   * Wakes one sleeper (fire and forget), when this worker holds the watch and has not sent a wake-up in the last
   * {@link WAKE_INTERVAL_MS}: called when it finds more work than it takes alone.
   */
  wakeOne(): void {
    const now = Date.now();
    if (!this.holding || now - this.#lastWake < WAKE_INTERVAL_MS) return;
    this.#lastWake = now;
    this.#wake().catch(() => undefined);
  }

  /** Gives the watch back (the worker closes or pauses) and wakes a sleeper to take it over at once. */
  async release(): Promise<void> {
    if (this.#heldUntil === 0) return;
    this.#heldUntil = 0;
    try {
      const released = await this.#commands.releaseFetchWatch({
        keys: [{ key: this.#watchKey, ttl: this.#claimMs + this.#graceMs }],
        args: [this.#workerId],
      });
      if (Number(released) === 1) await this.#wake();
    } catch {
      // The claim ends by itself within FETCH_WATCH_CLAIM_MS.
    }
  }

  async #wake(): Promise<void> {
    await this.#commands.wakeFetchWatchers({ keys: [{ key: this.#wakeKey, ttl: this.#claimMs }] });
  }
}
