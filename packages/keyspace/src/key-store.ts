import type { Cluster, Redis } from 'ioredis';
import { BlockingReader } from './blocking-reader.js';
import { KeyStoreArgumentError, TransactionDiscardedError } from './errors.js';
import { tagOf, type KeySpace, type KumoKey } from './key-space.js';
import type { RedisClient } from './redis-client.js';
import { loadCommands, type Commands } from './command-loader.js';
import { bindCommands, type BoundCommands } from './script.js';
import { toEntries, type StreamEntry } from './stream-entry.js';
import { resolveTtl, type Ttl } from './ttl.js';

/** Options of `xAdd`. */
export interface XAddOptions {
  /** Trim the stream to about this many entries (`MAXLEN ~`). Default: no trimming. */
  maxLen?: number;
}

/** Options of `xRange`. */
export interface XRangeOptions {
  /** Exclusive start: entries after this id. Default: from the first entry. */
  after?: string;
  /** Inclusive end. Default `+` (the last entry). */
  end?: string;
  /** Most entries returned. Default: all (use a count on anything that can be large). */
  count?: number;
}

type MultiResult = [error: Error | null, result: unknown][] | null;

function unwrap(results: MultiResult): unknown[] {
  if (!results) throw new TransactionDiscardedError('Redis transaction was discarded');
  return results.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}

/** A safe-integer argument as the string Redis expects; anything else is a caller's bug, caught before sending. */
function integerArg(name: string, value: number): string {
  if (!Number.isSafeInteger(value)) throw new KeyStoreArgumentError(`${name} must be a safe integer, got ${value}`);
  return String(value);
}

/** True when one multi-key command may carry all these keys (one key, or one shared hash tag). */
function sharesOneTag(keys: readonly string[]): boolean {
  const first = tagOf(keys[0]!);
  return keys.length === 1 || (first !== null && keys.every((key) => tagOf(key) === first));
}

// Writes with their TTL as one script each rather than a MULTI: one command and one reply instead of four, and no
// ioredis Pipeline object per call (its constructor copies every script defined on the connection — BullMQ's ~50
// on a shared one).
const COMMANDS = loadCommands(new URL('./commands/', import.meta.url), ['incrByTtl', 'xaddTtl']);

/**
 * The only way to write a kumo key. Every write takes a required TTL and sets it in the same command (SET … PX)
 * or the same Lua script, so no key outlives its purpose; a bad TTL throws `TtlError` before anything is
 * sent. Reads tolerate missing keys (null, empty or 0).
 */
export class KeyStore {
  private readonly commands: BoundCommands<keyof typeof COMMANDS>;

  constructor(
    private readonly client: RedisClient,
    /** The key builder whose prefix and purposes this store enforces. */
    readonly keySpace: KeySpace,
  ) {
    this.commands = bindCommands(client, keySpace, COMMANDS);
  }

  // --- strings

  async get(key: KumoKey): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: KumoKey, value: string, ttl: Ttl): Promise<void> {
    const ms = resolveTtl(this.keySpace, key, ttl);
    await this.client.set(key, value, 'PX', ms);
  }

  /** SET NX PX: true when the key was created, false when it existed (and was left alone). */
  async setNx(key: KumoKey, value: string, ttl: Ttl): Promise<boolean> {
    const ms = resolveTtl(this.keySpace, key, ttl);
    return (await this.client.set(key, value, 'PX', ms, 'NX')) === 'OK';
  }

  /** Deletes keys; returns how many existed. Keys with different tags are deleted one by one (cluster-safe). */
  async del(...keys: KumoKey[]): Promise<number> {
    if (keys.length === 0) return 0;
    if (sharesOneTag(keys)) return this.client.del(...keys);
    let removed = 0;
    for (const key of keys) removed += await this.client.del(key);
    return removed;
  }

  // --- hashes

  async hGet(key: KumoKey, field: string): Promise<string | null> {
    return this.client.hget(key, field);
  }

  /** All fields; `{}` for a missing key. */
  async hGetAll(key: KumoKey): Promise<Record<string, string>> {
    return this.client.hgetall(key);
  }

  async hmGet(key: KumoKey, fields: readonly string[]): Promise<(string | null)[]> {
    if (fields.length === 0) return [];
    return this.client.hmget(key, ...fields);
  }

  // --- sets

  /** One SMISMEMBER: for each member, in order, whether it is in the set (all false for a missing set). */
  async sMIsMember(key: KumoKey, members: readonly string[]): Promise<boolean[]> {
    if (members.length === 0) return [];
    return (await this.client.smismember(key, ...members)).map((found) => found === 1);
  }

  async sMembers(key: KumoKey): Promise<string[]> {
    return this.client.smembers(key);
  }

  // --- streams

  /** XADD (optionally `MAXLEN ~ n`) and the stream's TTL in one script; the new entry id. */
  async xAdd(
    key: KumoKey,
    fields: Readonly<Record<string, string>>,
    ttl: Ttl,
    options: XAddOptions = {},
  ): Promise<string> {
    const maxLen = options.maxLen === undefined ? '' : integerArg('maxLen', options.maxLen);
    const flat = Object.entries(fields).flat();
    if (flat.length === 0) throw new KeyStoreArgumentError('xAdd needs at least one field');
    return String(await this.commands.xaddTtl({ keys: [{ key, ttl }], args: [maxLen, ...flat] }));
  }

  /** Entries in id order, after `after` (exclusive) up to `end`; `[]` for a missing stream. */
  async xRange(key: KumoKey, options: XRangeOptions = {}): Promise<StreamEntry[]> {
    const start = options.after === undefined ? '-' : `(${options.after}`;
    const count = options.count === undefined ? [] : ['COUNT', options.count];
    return toEntries(await this.client.call('XRANGE', key, start, options.end ?? '+', ...count));
  }

  /** The entries with these ids (one pipeline, one slot); null where an id is not (or no longer) in the stream. */
  async xGet(key: KumoKey, ids: readonly string[]): Promise<(StreamEntry | null)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.call('XRANGE', key, id, id, 'COUNT', 1);
    const replies = unwrap(await pipeline.exec());
    return replies.map((reply) => toEntries(reply)[0] ?? null);
  }

  // --- counters

  /** INCRBY and the TTL in one script; the new value. */
  async incrBy(key: KumoKey, by: number, ttl: Ttl): Promise<number> {
    return Number(await this.commands.incrByTtl({ keys: [{ key, ttl }], args: [integerArg('by', by)] }));
  }

  // --- helpers

  /** Remaining TTL in ms; -2 when the key is missing, -1 when it has none (which the audit reports). */
  async pttl(key: KumoKey): Promise<number> {
    return this.client.pttl(key);
  }

  /**
   * Binds a package's commands (`loadCommands`) to this store's connection. Lua convention (the header block of
   * each `.lua` file): KEYS as declared, ARGV[1…n] the TTLs of KEYS[1…n] in ms, then the caller's args; the script
   * PEXPIREs every key it writes. Each call checks the key count, the TTLs and the one-hash-tag rule before sending.
   */
  bindCommands<N extends string>(commands: Commands<N>): BoundCommands<N> {
    return bindCommands(this.client, this.keySpace, commands);
  }

  /**
   * A blocking reader on its own duplicated connection (close it when done). Whatever the role of this store's
   * connection (an API connection fails fast while Redis is away), the reader queues its commands until it is
   * connected and retries them through reconnects, as a blocking reader must.
   */
  async duplicate(): Promise<BlockingReader> {
    let clientId: number | null = null;
    let connection: RedisClient;
    if (this.client.isCluster) {
      const cluster = this.client as Cluster;
      const nodes = cluster.duplicate([], {
        enableOfflineQueue: true,
        redisOptions: { ...cluster.options.redisOptions, maxRetriesPerRequest: null },
      });
      // Connected before the first XREAD, so a `$` cursor means "from now", not "from whenever it connects".
      await nodes.call('PING');
      connection = nodes;
    } else {
      const node = (this.client as Redis).duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      clientId = Number(await node.client('ID'));
      connection = node;
    }
    return new BlockingReader(connection, clientId);
  }

  async ping(): Promise<string> {
    if (this.client.isCluster) return String(await this.client.call('PING'));
    return (this.client as Redis).ping();
  }

  /** INFO text of one section (`server`, `memory`, …) of the node the client talks to. */
  async info(section: string): Promise<string> {
    return this.client.info(section);
  }

  /** Closes the connection after pending replies arrive. */
  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit();
  }
}
