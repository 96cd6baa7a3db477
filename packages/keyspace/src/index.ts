export {
  PURPOSES,
  PURPOSE_NAMES,
  QUEUE_SEGMENT,
  isPurpose,
  formatDuration,
  renderKeyTable,
  type Purpose,
  type PurposeInfo,
} from './purposes.js';
export {
  KeySpace,
  CRAWL_BUCKETS,
  crawlBucket,
  tagOf,
  type KumoKey,
  type KeySpaceOptions,
  type ParsedKey,
} from './key-space.js';
export { fnv1a32 } from './fnv1a.js';
export { renderKeyLayoutTable, type KeyTable, type KeyTableRow } from './key-table.js';
export { resolveTtl, type Ttl } from './ttl.js';
export { KeyStore, type XAddOptions, type XRangeOptions } from './key-store.js';
export { loadCommands, type Commands, type ScriptDefinition } from './command-loader.js';
export { assertOneTag, type ScriptKey, type ScriptCall, type KumoScript, type BoundCommands } from './script.js';
export { BlockingReader, type StreamCursor, type ReadStreamsOptions } from './blocking-reader.js';
export { isStreamId, type StreamEntry, type StreamBatch } from './stream-entry.js';
export { createRedisClient, masterNodes, type RedisClient, type RedisClientOptions } from './redis-client.js';
export {
  scanKeyspace,
  auditExitCode,
  formatKeyspaceTable,
  padColumns,
  type AuditOptions,
  type KeyspaceScan,
  type PurposeAudit,
  type SizeAudit,
} from './audit.js';
export { checkRedisServer, type CheckRedisOptions, type RedisServerCheck } from './startup-checks.js';
export {
  TtlError,
  CrossSlotError,
  UnknownPurposeError,
  InvalidKeyError,
  EvictionPolicyError,
  ScriptError,
  CommandFileError,
  KeyStoreArgumentError,
  TransactionDiscardedError,
  KeyspaceErrorCode,
} from './errors.js';
