import { KumoError } from '@kumo/errors';

/**
 * A write was asked for with a missing, zero, negative, non-integer or over-maximum TTL. Thrown before anything
 * is sent to Redis: a key without a TTL is a memory leak we refuse to create. A programming error: never retried.
 */
export class TtlError extends KumoError {
  constructor(message: string) {
    super('KUMO_KEYSPACE_TTL', message, { kind: 'permanent' });
  }
}

/**
 * The keys of one multi-key operation (script, blocking read, multi-key DEL) do not share one hash tag, so a
 * Redis Cluster would refuse it (`CROSSSLOT`). Thrown before sending, on a single node too, so tests catch it.
 */
export class CrossSlotError extends KumoError {
  constructor(message: string) {
    super('KUMO_KEYSPACE_CROSS_SLOT', message, { kind: 'permanent' });
  }
}

/** A key name uses a purpose that is not in the registry (`PURPOSES`). */
export class UnknownPurposeError extends KumoError {
  constructor(message: string) {
    super('KUMO_KEYSPACE_UNKNOWN_PURPOSE', message, { kind: 'permanent' });
  }
}

/** A key segment or the prefix is invalid (empty, contains `{`/`}`, too long, or the prefix is malformed). */
export class InvalidKeyError extends KumoError {
  constructor(message: string) {
    super('KUMO_KEYSPACE_INVALID_KEY', message, { kind: 'permanent' });
  }
}

/**
 * Redis's `maxmemory-policy` is not `noeviction`: Redis may silently drop BullMQ's keys (lost jobs) and kumo's
 * results. The process must not start unless the operator allowed it (`KUMO_ALLOW_EVICTION`).
 */
export class EvictionPolicyError extends KumoError {
  constructor(message: string) {
    super('KUMO_KEYSPACE_EVICTION_POLICY', message, { kind: 'critical' });
  }
}

/** A kumo Lua script returned an error reply; `cause` holds the Redis error. Usually a bug, sometimes OOM. */
export class ScriptError extends KumoError {
  constructor(message: string, cause: unknown) {
    super('KUMO_KEYSPACE_SCRIPT', message, { cause, kind: 'transient' });
  }
}

/**
 * A package's Lua command files are malformed: a file not named `<name>-<numKeys>.lua`, a header block that does not
 * list every KEY, the ARGV and `Returns:`, an unknown or cyclic include, a missing or unused command. Thrown when the
 * package loads its commands, before anything reaches Redis: a programming error, never retried.
 */
export class CommandFileError extends KumoError {
  constructor(message: string) {
    super('KUMO_KEYSPACE_COMMAND_FILE', message, { kind: 'permanent' });
  }
}
