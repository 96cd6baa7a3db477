// Tracing is off unless an OTLP endpoint is configured. Off, nothing of OpenTelemetry is loaded (the SDK lives in
// otel-tracing.ts, imported on demand) and BullMQ gets no `telemetry`, so it creates no spans: idle CPU unchanged.
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

let active: Tracing | undefined;

/** The tracing `startTracing` started in this process, or undefined when tracing is off. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/**
 * Starts OpenTelemetry tracing for this process when an endpoint is configured: spans batched and exported over
 * OTLP/HTTP (JSON) to `<endpoint>/v1/traces`, W3C trace context propagated, also through BullMQ jobs. Returns
 * undefined and loads nothing when tracing is off. Call it before creating queues and workers (they pick up
 * `activeTracing()`); a second call returns the tracing already started.
 */
export async function startTracing(settings: TracingSettings): Promise<Tracing | undefined> {
  if (!settings.endpoint) return undefined;
  if (active) return active;
  const { createOtelTracing } = await import('./otel-tracing.js');
  const tracing = createOtelTracing({ endpoint: settings.endpoint, serviceName: settings.serviceName });
  active = {
    telemetry: tracing.telemetry,
    serverSpan: (name, headers, fn) => tracing.serverSpan(name, headers, fn),
    async shutdown() {
      if (active === this) active = undefined;
      await tracing.shutdown();
    },
  };
  return active;
}
