// The shapes of tracing, apart from the code: tracing.ts loads otel-tracing.ts on demand, and both use these.
import type { BullMQOtel } from 'bullmq-otel';

/** What `startTracing` needs. */
export interface TracingSettings {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: base URL of an OTLP/HTTP collector. Unset or empty: tracing stays off. */
  endpoint: string | undefined;
  /** The `service.name` of this process's spans, e.g. `kumo-api`. */
  serviceName: string;
}

/** A request's span, as the API's middleware sees it. */
export interface ServerSpan {
  setAttributes(attributes: Record<string, string | number | boolean>): void;
  /** Renames the span once the route is known (`POST /v1/crawls`). */
  updateName(name: string): void;
  /** Marks the span failed (a 5xx). */
  fail(message: string): void;
  end(): void;
}

/** This process's tracing, once started. */
export interface Tracing {
  /** BullMQ's `telemetry` option (queues, workers, flow producer): bullmq-otel over the global tracer provider. */
  readonly telemetry: BullMQOtel;
  /**
   * Runs `fn` inside a new SERVER span, continuing a caller's trace when `headers` carry a W3C `traceparent`. What
   * `fn` starts (jobs added, flows) joins the span's trace; `fn` ends the span.
   */
  serverSpan(name: string, headers: Record<string, unknown>, fn: (span: ServerSpan) => void): void;
  /** Exports the spans still buffered and stops; never rejects, and gives up after a few seconds. */
  shutdown(): Promise<void>;
}
