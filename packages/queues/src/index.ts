export {
  createRedisConnection,
  createKeyStore,
  waitUntilReady,
  type ConnectionConfig,
  type ConnectionRole,
  type RedisConnectionOptions,
  type KeyStoreHandle,
} from './connection.js';
export {
  QUEUE_NAMES,
  type QueueName,
  type CrawlJobData,
  type CrawlJobResult,
  type SourceJobData,
  sourceKeyOf,
  type AnalyzeJobData,
  pageTextDigest,
  type AnalyzeJobResult,
  type AggregateJobData,
  type AggregateJobResult,
  type WebhookJobData,
  type WebhookJobResult,
  type ScheduleJobData,
  type ScheduleJobResult,
} from './names.js';
export {
  KumoQueues,
  COUNTED_STATES,
  crawlJobId,
  crawlJobIdOf,
  analyzeJobId,
  aggregateJobId,
  webhookJobId,
  webhookJobOptions,
  WEBHOOK_BACKOFF_TYPE,
  defaultJobOptions,
  crawlJobOptions,
  analyzeJobOptions,
  aggregateJobOptions,
  ANALYZE_ATTEMPTS,
  AGGREGATE_ATTEMPTS,
  SCHEDULE_RUN_ATTEMPTS,
  scheduleJobOptions,
  type CountedState,
  type QueuesConfig,
  type KumoQueuesOptions,
  type ChildJobData,
  type JobOptionsConfig,
} from './queues.js';
export {
  createKumoWorker,
  BLOCK_TIMEOUT_S,
  type KumoWorkerOptions,
  type KumoProcessor,
  type WorkerConfig,
  type JobDone,
  type JobDurationObserver,
  type WorkerLogger,
  type WorkerEvent,
} from './worker.js';
export { auditKeyspace, formatAuditTable, type KeyspaceAudit, type QueueAudit } from './key-audit.js';
export {
  translateJobError,
  jobAttempt,
  retryTransient,
  DEFAULT_RETRY_BUDGET_MS,
  type JobAttempt,
  type JobErrorVerdict,
  type JobOutcome,
  type RetryOptions,
} from './job-errors.js';
export { holdWhileRedisRefuses, DEFAULT_HOLD_MS, type HoldEvent, type HoldOptions } from './job-hold.js';
export { bridgeHoldMetrics } from './hold-metrics.js';
export { DEFAULT_LIVENESS_CHECK_MS } from './liveness-watchdog.js';
export {
  FetchWatch,
  QueueKeys,
  queuesKeyTable,
  FETCH_WATCH_CLAIM_MS,
  FETCH_WATCH_GRACE_MS,
  type FetchWatchOptions,
  type WatchTurn,
} from './fetch-watch.js';
export { RetentionSweeper, type RetentionSweeperOptions } from './retention-sweeper.js';
export { assertRedisFitForQueues } from './redis-preflight.js';
export { runQueueWorkerApp, type QueueWorkerAppOptions } from './worker-app.js';
export { redisReadyCheck } from './redis-probe.js';
export { isRedisUnavailable, isWriteRefused } from './redis-failure.js';
export {
  RedisConfigError,
  QueueUnavailableError,
  WorkerStuckError,
  QueuesOptionError,
  QueuesErrorCode,
} from './errors.js';
// Re-exported so that apps need not import bullmq themselves.
export { DelayedError, UnrecoverableError, WaitingChildrenError } from 'bullmq';
export type { Job, JobState, Worker, Queue, JobsOptions, ParentOptions } from 'bullmq';
