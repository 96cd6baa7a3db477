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
export { resolveTtl, type Ttl } from './ttl.js';
export { KeyStore, type XAddOptions, type XRangeOptions, type CacheCodec } from './key-store.js';
export {
  loadScript,
  assertOneTag,
  type ScriptDefinition,
  type ScriptKey,
  type ScriptCall,
  type KumoScript,
} from './script.js';
export { BlockingReader, type StreamCursor, type ReadStreamsOptions } from './blocking-reader.js';
export { isStreamId, type StreamEntry, type StreamBatch } from './stream-entry.js';
export { createRedisClient, masterNodes, type RedisClient, type RedisClientOptions } from './redis-client.js';
export {
  auditKeyspace,
  auditExitCode,
  formatAuditTable,
  JOB_STATES,
  type AuditOptions,
  type KeyspaceAudit,
  type PurposeAudit,
  type QueueAudit,
  type SizeAudit,
  type JobState,
} from './audit.js';
export { checkRedisServer, type CheckRedisOptions, type RedisServerCheck } from './startup-checks.js';
export {
  TtlError,
  CrossSlotError,
  UnknownPurposeError,
  InvalidKeyError,
  EvictionPolicyError,
  ScriptError,
} from './errors.js';
