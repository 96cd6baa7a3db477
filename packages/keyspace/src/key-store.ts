// The key store: the only way kumo reads and writes its keys, with what it hands out: Lua commands bound to its
// connection (TTLs and hash tags checked before sending) and blocking stream readers on a duplicated connection.
import { createHash } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import type { Cluster, Redis } from 'ioredis';
import { loadCommands, type Commands, type ScriptDefinition } from './command-loader.js';
import { InvalidKeyError, KeyStoreArgumentError, ScriptError, TransactionDiscardedError } from './errors.js';
import { assertOneTag, resolveTtl, tagOf, type KeySpace, type KumoKey, type Ttl } from './key-space.js';
import type { RedisClient } from './redis-client.js';

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

  /** Each field's value length in bytes (HSTRLEN, one pipeline, one slot); 0 for a missing field or key. */
  async hStrLens(key: KumoKey, fields: readonly string[]): Promise<number[]> {
    if (fields.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const field of fields) pipeline.hstrlen(key, field);
    return unwrap(await pipeline.exec()).map(Number);
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

  // --- sorted sets (members compared as strings: every score 0, ordered with BYLEX)

  /**
   * Members of a sorted set whose scores are all equal, in lexicographic order (`asc`) or its reverse (`desc`),
   * those below `below` only (exclusive) when given, at most `count`; `[]` for a missing key.
   */
  async zRangeByLex(
    key: KumoKey,
    options: { below?: string; count: number; order: 'asc' | 'desc' },
  ): Promise<string[]> {
    const high = options.below === undefined ? '+' : `(${options.below}`;
    const [start, stop] = options.order === 'desc' ? [high, '-'] : ['-', high];
    const reverse = options.order === 'desc' ? ['REV'] : [];
    const count = integerArg('count', options.count);
    return (await this.client.call('ZRANGE', key, start, stop, 'BYLEX', ...reverse, 'LIMIT', '0', count)) as string[];
  }

  /** ZREM: removing members never extends a key's life, so it takes no TTL. Returns how many were there. */
  async zRem(key: KumoKey, members: readonly string[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.client.zrem(key, ...members);
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

// --- Lua commands

/** One key a script touches and the TTL the script must set on it (passed as the first ARGVs, in key order). */
export interface ScriptKey {
  readonly key: KumoKey;
  readonly ttl: Ttl;
}

export interface ScriptCall {
  /** Exactly `definition.keys` keys, all with one hash tag when there are several. */
  readonly keys: readonly ScriptKey[];
  /** Arguments after the TTLs: ARGV[n+1…] for a script of n keys. Default none. */
  readonly args?: readonly (string | number)[];
}

/** A script bound to a connection. Resolves to the script's raw reply. */
export type KumoScript = (call: ScriptCall) => Promise<unknown>;

/** A package's commands bound to one connection, by name. */
export type BoundCommands<N extends string> = { readonly [K in N]: KumoScript };

const noscriptChannel = channel('kumo:keyspace:noscript');

function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Binds a script to a client: validates key count, TTLs and the one-tag rule BEFORE sending, then runs it with
 * EVALSHA (falling back to EVAL once when the server does not know it yet, e.g. after a restart or failover).
 */
export function bindScript(client: RedisClient, keySpace: KeySpace, definition: ScriptDefinition): KumoScript {
  const sha = createHash('sha1').update(definition.lua).digest('hex');
  return async (call) => {
    if (call.keys.length !== definition.keys) {
      throw new InvalidKeyError(`script ${definition.name} takes ${definition.keys} keys, got ${call.keys.length}`);
    }
    const ttls = call.keys.map(({ key, ttl }) => resolveTtl(keySpace, key, ttl));
    const keys = call.keys.map(({ key }) => key as string);
    assertOneTag(keys, `script ${definition.name}`);
    const rest = [...ttls, ...(call.args ?? [])].map(String);
    try {
      try {
        return await client.call('EVALSHA', sha, definition.keys, ...keys, ...rest);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        if (noscriptChannel.hasSubscribers) noscriptChannel.publish({ script: definition.name });
        return await client.call('EVAL', definition.lua, definition.keys, ...keys, ...rest);
      }
    } catch (error) {
      if (isReplyError(error)) throw new ScriptError(`script ${definition.name} failed: ${error.message}`, error);
      throw error;
    }
  };
}

/** Binds every command of a `loadCommands` set (see `bindScript`). */
export function bindCommands<N extends string>(
  client: RedisClient,
  keySpace: KeySpace,
  commands: Commands<N>,
): BoundCommands<N> {
  const bound = {} as Record<N, KumoScript>;
  for (const name of Object.keys(commands) as N[]) bound[name] = bindScript(client, keySpace, commands[name]);
  return Object.freeze(bound);
}

// --- streams

/** One stream entry: its id and its fields (field order as written; a repeated field keeps the last value). */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** The new entries of one stream returned by a blocking read. */
export interface StreamBatch {
  readonly key: string;
  readonly entries: StreamEntry[];
}

type RawEntry = [id: string, fields: string[] | null];

/** Converts XRANGE's `[id, [f, v, …]]` reply entries. */
export function toEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return (raw as RawEntry[]).map(([id, flat]) => {
    const fields: Record<string, string> = {};
    const list = flat ?? [];
    for (let index = 0; index + 1 < list.length; index += 2) fields[list[index]!] = list[index + 1]!;
    return { id, fields };
  });
}

/** Converts XREAD's `[[key, entries], …]` reply (null on timeout). */
export function toBatches(raw: unknown): StreamBatch[] {
  if (!Array.isArray(raw)) return [];
  return (raw as [string, unknown][]).map(([key, entries]) => ({ key, entries: toEntries(entries) }));
}

const STREAM_ID = /^\d+-\d+$/;

/** True for a complete stream id (`<ms>-<seq>`). */
export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/**
 * One stream to follow and the id after which to read. Prefer a concrete id (the last one delivered): `$` means
 * "after the last entry at the moment XREAD reaches Redis", so entries added just before are missed.
 */
export interface StreamCursor {
  readonly key: KumoKey;
  readonly afterId: string;
}

export interface ReadStreamsOptions {
  /** How long XREAD blocks when nothing is there; 0 blocks forever. Required: a reader should wake up now and then. */
  blockMs: number;
  /** Most entries returned per stream. Default 100. */
  count?: number;
}

/**
 * A dedicated connection for blocking stream reads (XREAD BLOCK). A blocked connection holds up every other command
 * sent on it, so it is never shared: the SSE multiplexer keeps one per active bucket. Only reads: no TTL concerns.
 */
export class BlockingReader {
  /** `CLIENT ID` of the connection on a single node (for `CLIENT UNBLOCK`); null on a Redis Cluster. */
  readonly clientId: number | null;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    clientId: number | null,
  ) {
    this.clientId = clientId;
  }

  /**
   * Blocks until one of the streams has entries after its cursor, or `blockMs` passes (then resolves `[]`).
   * All keys must share one hash tag (a cluster routes a multi-key XREAD to one node); resolves `[]` once closed.
   */
  async readStreams(cursors: readonly StreamCursor[], options: ReadStreamsOptions): Promise<StreamBatch[]> {
    if (cursors.length === 0) return [];
    assertOneTag(
      cursors.map((cursor) => cursor.key),
      'readStreams',
    );
    if (this.closed) return [];
    const args: (string | number)[] = ['COUNT', options.count ?? 100, 'BLOCK', options.blockMs, 'STREAMS'];
    for (const cursor of cursors) args.push(cursor.key);
    for (const cursor of cursors) args.push(cursor.afterId);
    try {
      // The typed method: ioredis 6's generic `call` unwraps a one-stream XREAD reply.
      const xread = this.client.xread.bind(this.client) as (...a: (string | number)[]) => Promise<unknown>;
      return toBatches(await xread(...args));
    } catch (error) {
      if (this.closed) return [];
      throw error;
    }
  }

  /** Closes the connection at once, ending a pending read (which resolves `[]`). */
  close(): void {
    this.closed = true;
    this.client.disconnect();
  }
}
