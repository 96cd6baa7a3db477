// Tracing is off unless an OTLP endpoint is configured. Off, no OpenTelemetry SDK is loaded (it lives in
// otel-tracing.ts, imported on demand) and BullMQ gets no `telemetry`, so it creates no spans: idle CPU unchanged.
import type { Tracing, TracingSettings } from './tracing-types.js';

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
