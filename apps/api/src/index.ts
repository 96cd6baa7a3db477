export { createApp, type AppDeps, type ApiApp } from './app.js';
export {
  ApiError,
  ValidationError,
  MalformedJsonError,
  UnauthorizedError,
  CrawlNotFoundError,
  ScheduleNotFoundError,
  RouteNotFoundError,
  ReportNotReadyError,
  IdempotencyConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  RateLimitedError,
  OverloadedError,
  RedisUnavailableError,
  ShuttingDownError,
  ApiOptionError,
  StreamClosedError,
  ApiErrorCode,
  type FieldError,
} from './errors.js';
export {
  PROBLEM_TABLE,
  API_ERROR_CODES,
  PROBLEM_TYPE,
  problem,
  toProblemResponse,
  BACKEND_UNAVAILABLE_CODES,
  type ProblemCode,
  type ProblemResponse,
} from './problems.js';
export { buildOpenApiDocument, toOpenApiPath, type OpenApiDocument, type OpenApiOptions } from './openapi/document.js';
export {
  StreamMultiplexer,
  type StreamMultiplexerOptions,
  type MultiplexerStore,
  type SubscribeOptions,
  type Subscription,
} from './sse/stream-multiplexer.js';
export { SseHub, SseConnection, formatEvent, type SseHubOptions } from './sse/sse-hub.js';
export { compareStreamIds } from './sse/stream-id.js';
export { ApiKeyring, ownerOf, constantTimeMatch } from './middleware/auth.js';
export { rateLimit, rateLimitKey, apiKeyTable, type RateLimitOptions } from './middleware/rate-limit.js';
export { ApiMetrics } from './metrics/api-metrics.js';
export { KeyAuditGauges, type KeyAuditGaugesOptions } from './metrics/key-audit-gauges.js';
export { connectionNames, buildWorkerResources, type WorkerResources } from './resources.js';
export type { ApiSettings } from './routes/context.js';
