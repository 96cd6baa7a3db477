import { createHash } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { CrossSlotError, InvalidKeyError, ScriptError } from './errors.js';
import type { Commands, ScriptDefinition } from './command-loader.js';
import { tagOf, type KeySpace, type KumoKey } from './key-space.js';
import type { RedisClient } from './redis-client.js';
import { resolveTtl, type Ttl } from './ttl.js';

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

/** Throws `CrossSlotError` unless every key carries the same hash tag (one key needs none). */
export function assertOneTag(keys: readonly string[], what: string): void {
  if (keys.length < 2) return;
  const first = tagOf(keys[0]!);
  for (const key of keys) {
    const tag = tagOf(key);
    if (first === null || tag !== first) {
      throw new CrossSlotError(
        `${what}: all keys must share one hash tag for Redis Cluster, got ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
      );
    }
  }
}

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
