// The OpenTelemetry SDK behind `startTracing`: imported only when tracing is on.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SamplingDecision,
  type Sampler,
} from '@opentelemetry/sdk-trace-node';
import { BullMQOtel } from 'bullmq-otel';
import type { Tracing } from './tracing-types.js';

/** How long shutdown waits for the last export: a dead collector must not eat the shutdown budget. */
const SHUTDOWN_EXPORT_MS = 3000;

/**
 * Samples every trace that starts with a request, a job added or a job processed, and drops traces that would start
 * with an INTERNAL span: BullMQ's background loops (an idle worker's `getNextJob` every few seconds, the stalled-job
 * checker, retention sweeps) would otherwise each make a one-span trace, forever. Spans with a parent follow it.
 */
const rootSampler: Sampler = {
  shouldSample: (_context, _traceId, _name, kind) => ({
    decision: kind === SpanKind.INTERNAL ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
  }),
  toString: () => 'KumoRootSampler',
};

export function createOtelTracing(settings: { endpoint: string; serviceName: string }): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.namespace': 'kumo' }),
    sampler: new ParentBasedSampler({ root: rootSampler }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` })),
    ],
  });
  // Global tracer provider, AsyncLocalStorage context manager, W3C trace-context propagator (what bullmq-otel uses).
  provider.register();
  const tracer = trace.getTracer('kumo');
  return {
    telemetry: new BullMQOtel({ tracerName: 'kumo-bullmq' }),
    serverSpan(name, headers, fn) {
      const parent: Context = propagation.extract(context.active(), headers);
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
      context.with(trace.setSpan(parent, span), () =>
        fn({
          setAttributes: (attributes) => span.setAttributes(attributes),
          updateName: (newName) => span.updateName(newName),
          fail: (message) => span.setStatus({ code: SpanStatusCode.ERROR, message }),
          end: () => span.end(),
        }),
      );
    },
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_EXPORT_MS);
        timer.unref();
      });
      await Promise.race([provider.shutdown().catch(() => undefined), timeout]);
      clearTimeout(timer);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
