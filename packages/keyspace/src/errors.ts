import { defineError, defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const KeyspaceErrorCode = errorCodesOf('packages/keyspace');
export type KeyspaceErrorCode = ErrorCodeOf<'packages/keyspace'>;

/** The errors that carry just a message (and a cause): class name → code, in the catalog's order. */
export const {
  CommandFileError,
  CrossSlotError,
  EvictionPolicyError,
  KeyStoreArgumentError,
  InvalidKeyError,
  TransactionDiscardedError,
  TtlError,
  UnknownPurposeError,
} = defineErrors({
  /**
   * A package's Lua command files are malformed: a file not named `<name>-<numKeys>.lua`, a header block that does
   * not list every KEY, the ARGV and `Returns:`, an unknown or cyclic include, a missing or unused command. Thrown
   * when the package loads its commands, before anything reaches Redis: a programming error, never retried.
   */
  CommandFileError: KeyspaceErrorCode.COMMAND_FILE,
  /**
   * The keys of one multi-key operation (script, blocking read, multi-key DEL) do not share one hash tag, so a
   * Redis Cluster would refuse it (`CROSSSLOT`). Thrown before sending, on a single node too, so tests catch it.
   */
  CrossSlotError: KeyspaceErrorCode.CROSS_SLOT,
  /**
   * Redis's `maxmemory-policy` is not `noeviction`: Redis may silently drop BullMQ's keys (lost jobs) and kumo's
   * results. The process must not start unless the operator allowed it (`KUMO_ALLOW_EVICTION`).
   */
  EvictionPolicyError: KeyspaceErrorCode.EVICTION_POLICY,
  /** A `KeyStore` method was called with an argument it cannot send (a TTL that is not an integer, no fields). */
  KeyStoreArgumentError: KeyspaceErrorCode.INVALID_ARGUMENT,
  /** A key segment or the prefix is invalid (empty, contains `{`/`}`, too long, or the prefix is malformed). */
  InvalidKeyError: KeyspaceErrorCode.INVALID_KEY,
  /** Redis discarded a MULTI/EXEC (a watched key changed, or the connection dropped mid-transaction). Transient. */
  TransactionDiscardedError: KeyspaceErrorCode.TRANSACTION_DISCARDED,
  /**
   * A write was asked for with a missing, zero, negative, non-integer or over-maximum TTL. Thrown before anything
   * is sent to Redis: a key without a TTL is a memory leak we refuse to create. A programming error: never retried.
   */
  TtlError: KeyspaceErrorCode.TTL,
  /** A key name uses a purpose that is not in the registry (`PURPOSES`). */
  UnknownPurposeError: KeyspaceErrorCode.UNKNOWN_PURPOSE,
});

/** A kumo Lua script returned an error reply; `cause` holds the Redis error. Usually a bug, sometimes OOM. */
export class ScriptError extends defineError(KeyspaceErrorCode.SCRIPT) {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}
