// Holding a job through a Redis that refuses writes for a while (full under noeviction, a read-only replica after a
// failover, loading, a lost connection): the processor waits and tries the write again, keeping the job's lock,
// instead of failing and using up one of the job's attempts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '@kumo/keyspace';
import { COMMANDS } from './commands.js';
import { QueueUnavailableError } from './errors.js';
import { isRedisUnavailable } from './redis-failure.js';

/** Default of {@link HoldOptions.maxHoldMs}: an OOM or a failover cleared by an operator within minutes fits. */
export const DEFAULT_HOLD_MS = 5 * 60_000;

const KEEP_LOCK = COMMANDS.keepJobLock;
const KEEP_LOCK_SHA = createHash('sha1').update(KEEP_LOCK.lua).digest('hex');

/** What a processor's holds know about the job they run in (set by `createKumoWorker` around each job). */
export interface JobHoldScope {
  /** Keeps the job's lock while a hold waits; resolves false once the lock is lost to another worker. */
  keepLock(): Promise<boolean>;
  /** Aborted when the worker closes: a hold stops waiting then. */
  signal?: AbortSignal | undefined;
  /** Longest hold. */
  maxHoldMs: number;
  /** Longest pause between two tries, so the lock is kept well within its duration (a third of it). */
  maxPauseMs?: number;
}

const scope = new AsyncLocalStorage<JobHoldScope>();

/** Runs `fn` (a job's processor) with `hold` as the scope every {@link holdWhileRedisRefuses} inside it uses. */
export function runInHoldScope<T>(hold: JobHoldScope, fn: () => Promise<T>): Promise<T> {
  return scope.run(hold, fn);
}

/** One hold's progress, published on `kumo:queues:hold` (the apps count it and log it, flood-limited). */
export interface HoldEvent {
  operation: string;
  /** `waiting`: a try was refused and the hold waits; `recovered`: a later try went through; `gave-up`. */
  phase: 'waiting' | 'recovered' | 'gave-up';
  /** Tries so far. */
  tries: number;
  /** Time held so far (ms). */
  heldMs: number;
  error?: unknown;
}

const holdChannel = channel('kumo:queues:hold');

function publish(event: HoldEvent): void {
  if (holdChannel.hasSubscribers) holdChannel.publish(event);
}

export interface HoldOptions {
  /** Named in diagnostics and in the final error. */
  operation: string;
  /** Longest hold, counted from the first refusal. Default: the job's scope's, else {@link DEFAULT_HOLD_MS}. */
  maxHoldMs?: number;
  /** Pause after the first refusal; doubles up to `maxDelayMs`. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest pause between two tries. Default 2000 ms (the lock is kept at each pause). */
  maxDelayMs?: number;
}

/**
 * Runs `fn`, and while it fails because Redis refuses the work for now ({@link isRedisUnavailable}: OOM, READONLY,
 * LOADING, MASTERDOWN, CLUSTERDOWN, TRYAGAIN, a closed connection…) waits with back-off and runs it again, for up
 * to `maxHoldMs`. Inside a job (a processor run by `createKumoWorker`) it keeps the job's lock at each pause, so the
 * job is neither stalled nor retried meanwhile, and stops when the lock is lost or the worker closes. Other errors
 * pass through at once. Only for idempotent work (kumo's appends and adds are). Throws `QueueUnavailableError`
 * (transient, `cause` = the last refusal) when the hold runs out. Every refusal and the recovery are published on
 * `kumo:queues:hold`.
 */
export async function holdWhileRedisRefuses<T>(fn: () => Promise<T>, options: HoldOptions): Promise<T> {
  const job = scope.getStore();
  const maxHoldMs = options.maxHoldMs ?? job?.maxHoldMs ?? DEFAULT_HOLD_MS;
  const base = options.baseDelayMs ?? 200;
  const maxDelay = Math.min(options.maxDelayMs ?? 2000, job?.maxPauseMs ?? Infinity);
  let startedAt: number | undefined;
  let tries = 0;
  for (;;) {
    tries++;
    try {
      const result = await fn();
      if (startedAt !== undefined) {
        // The lock may have expired while Redis was unreachable: take it again before the job finishes.
        await job?.keepLock();
        publish({ operation: options.operation, phase: 'recovered', tries, heldMs: performance.now() - startedAt });
      }
      return result;
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      startedAt ??= performance.now();
      const heldMs = performance.now() - startedAt;
      const left = maxHoldMs - heldMs;
      const lockLost = job ? !(await job.keepLock()) : false;
      if (left <= 0 || lockLost || job?.signal?.aborted) {
        publish({ operation: options.operation, phase: 'gave-up', tries, heldMs, error });
        const why = lockLost ? 'the job lock was lost' : job?.signal?.aborted ? 'the worker closes' : 'out of time';
        throw new QueueUnavailableError(
          `${options.operation}: Redis refused it ${tries} times in ${Math.round(heldMs)} ms (${why})`,
          error,
        );
      }
      publish({ operation: options.operation, phase: 'waiting', tries, heldMs, error });
      const pause = Math.min(base * 2 ** Math.min(tries - 1, 20), maxDelay, left);
      await sleep(pause, undefined, job?.signal ? { signal: job.signal } : {}).catch(() => undefined);
    }
  }
}

/** Where a worker's job locks live, to keep them (see keep-job-lock-3.lua). */
export interface JobLockPlace {
  connection: RedisClient;
  /** BullMQ's `prefix` of the queue (`<KUMO_PREFIX>:bull:{q}`). */
  prefix: string;
  queueName: string;
  /** The worker's lock duration (ms). */
  lockMs: number;
}

/**
 * Keeps the lock of job `jobId` held with `token` for another `lockMs`: true while it is held, false once it is lost
 * (another worker's, or the job no longer active). A refusal by Redis (read-only, unreachable) counts as still held:
 * the lock may outlive it, and the stalled checker, which also writes, cannot run meanwhile either.
 */
export async function keepJobLock(place: JobLockPlace, jobId: string, token: string): Promise<boolean> {
  const queueKey = `${place.prefix}:${place.queueName}`;
  const keys = [`${queueKey}:${jobId}:lock`, `${queueKey}:active`, `${queueKey}:stalled`];
  const args = [token, String(place.lockMs), jobId];
  try {
    let reply: unknown;
    try {
      reply = await place.connection.call('EVALSHA', KEEP_LOCK_SHA, KEEP_LOCK.keys, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await place.connection.call('EVAL', KEEP_LOCK.lua, KEEP_LOCK.keys, ...keys, ...args);
    }
    return Number(reply) === 1;
  } catch (error) {
    if (isRedisUnavailable(error)) return true;
    throw error;
  }
}
