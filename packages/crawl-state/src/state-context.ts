import { PURPOSES, type KeyStore } from '@kumo/keyspace';
import { bindCommands, ScriptCode, type CrawlCommands } from './commands.js';
import { CrawlKeys } from './crawl-keys.js';
import { CrawlNotFoundError, InvalidStateOptionError } from './errors.js';

export interface CrawlStoreOptions {
  /** TTL of the crawl record, result stream, indexes and report (`RESULT_TTL_S` × 1000). Required. */
  resultTtlMs: number;
  /** TTL of the seen-set and page texts (`TMP_TTL_S` × 1000). Required. */
  tmpTtlMs: number;
  /**
   * TTL of a crawl's validators (`cache:{b:NN}:validators:<id>`, conditional re-fetch by the next run).
   * @defaultValue `resultTtlMs`, at most the `cache` purpose's maximum (30 days)
   */
  validatorsTtlMs?: number;
  /** At most one `progress` event per crawl per this interval. Default 250. */
  progressIntervalMs?: number;
}

/** A timestamp: a Date or an ISO 8601 string. Stored as ISO 8601 UTC. */
export type Timestamp = Date | string;

export function iso(at: Timestamp): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString();
}

function checkTtl(name: string, value: unknown, maxMs: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > maxMs) {
    throw new InvalidStateOptionError(
      `${name} must be a positive integer of milliseconds up to ${maxMs}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * What every slice of `CrawlStore` shares (internal to the package): the key store, the key builder, the bound
 * scripts and the validated TTLs. The slices are the only code that builds crawl keys.
 */
export class StateContext {
  readonly keys: CrawlKeys;
  readonly commands: CrawlCommands;
  readonly resultTtlMs: number;
  readonly tmpTtlMs: number;
  readonly validatorsTtlMs: number;
  readonly progressIntervalMs: number;

  constructor(
    readonly store: KeyStore,
    options: CrawlStoreOptions,
  ) {
    this.resultTtlMs = checkTtl('resultTtlMs', options.resultTtlMs, PURPOSES.result.maxTtlMs);
    this.tmpTtlMs = checkTtl('tmpTtlMs', options.tmpTtlMs, PURPOSES.tmp.maxTtlMs);
    this.validatorsTtlMs = checkTtl(
      'validatorsTtlMs',
      options.validatorsTtlMs ?? Math.min(this.resultTtlMs, PURPOSES.cache.maxTtlMs),
      PURPOSES.cache.maxTtlMs,
    );
    this.progressIntervalMs = checkTtl('progressIntervalMs', options.progressIntervalMs ?? 250, PURPOSES.lock.maxTtlMs);
    this.keys = new CrawlKeys(store.keySpace);
    this.commands = bindCommands(store);
  }

  /** The record key with its TTL, as scripts take it. */
  record(id: string) {
    return { key: this.keys.record(id), ttl: this.resultTtlMs };
  }

  /** The result stream key with its TTL, as scripts take it. */
  events(id: string) {
    return { key: this.keys.events(id), ttl: this.resultTtlMs };
  }

  /** A page text's key and the crawl's set of page keys with a stored text, with the tmp TTL, as scripts take them. */
  pageText(id: string, pageKey: string) {
    return [
      { key: this.keys.text(id, pageKey), ttl: this.tmpTtlMs },
      { key: this.keys.texts(id), ttl: this.tmpTtlMs },
    ];
  }

  /** The progress throttle key with the throttle interval as its TTL. */
  progressLock(id: string) {
    return { key: this.keys.progress(id), ttl: this.progressIntervalMs };
  }

  /** Turns a negative script code into its error; passes anything else through. */
  check(id: string, reply: unknown): unknown {
    if (reply === ScriptCode.CrawlNotFound) throw new CrawlNotFoundError(id);
    return reply;
  }
}
