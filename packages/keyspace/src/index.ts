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
  fnv1a32,
  assertOneTag,
  resolveTtl,
  type KumoKey,
  type KeySpaceOptions,
  type ParsedKey,
  type Ttl,
} from './key-space.js';
export { renderKeyLayoutTable, type KeyTable, type KeyTableRow } from './key-table.js';
export {
  KeyStore,
  BlockingReader,
  isStreamId,
  type XAddOptions,
  type XRangeOptions,
  type ScriptKey,
  type ScriptCall,
  type KumoScript,
  type BoundCommands,
  type StreamCursor,
  type ReadStreamsOptions,
  type StreamEntry,
  type StreamBatch,
} from './key-store.js';
export { loadCommands, type Commands, type ScriptDefinition } from './command-loader.js';
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
