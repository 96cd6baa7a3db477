export { createLogger, DEFAULT_LOG_FLOOD_LIMIT, REDACTED_PATHS, type Logger, type LoggerSettings } from './logger.js';
export { logFloodHook, type LogFloodLimit } from './log-flood.js';
export {
  createMetrics,
  STAGE_BUCKETS,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type AppMetrics,
  type MetricsSettings,
} from './metrics.js';
export { beginWork, onWorkTransition, workInFlight } from './work-scope.js';
export {
  IDLE_COLLECT_DELAY_MS,
  IDLE_COLLECT_MIN_GROWTH_BYTES,
  startIdleCollector,
  type IdleCollector,
  type IdleCollectorOptions,
} from './idle-collector.js';
export { StageTimer, JobTimer, type StageContext } from './stage-timer.js';
export { onDiagnostics } from './diagnostics.js';
export { clusterMetrics, type ClusterMetricsText } from './cluster-metrics.js';
export { activeTracing, startTracing } from './tracing.js';
export type { ServerSpan, Tracing, TracingSettings } from './tracing-types.js';
