import { blockedChannel, fetchChannel, type BlockedEvent, type FetchEvent } from '@kumo/crawler';
import { onDiagnostics, type AppMetrics } from '@kumo/observability';

/** Buckets (bytes) of the fetched-bytes histogram: 1 KiB to 8 MiB. */
export const FETCH_BYTES_BUCKETS = [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 8_388_608];

/**
 * Turns the crawler's diagnostics (`kumo:crawler:fetch`, `kumo:crawler:blocked`) into metrics of the app's registry:
 * `kumo_fetch_total{status, purpose}` (HTTP status, `0` when no response arrived), `kumo_fetch_bytes{purpose}` and
 * `kumo_fetch_blocked_total{category}`. Returns the function that unsubscribes.
 */
export function bridgeCrawlerMetrics(metrics: AppMetrics): () => void {
  const fetches = metrics.counter('kumo_fetch_total', 'HTTP requests made by the crawler, by status', [
    'status',
    'purpose',
  ]);
  const bytes = metrics.histogram(
    'kumo_fetch_bytes',
    'Bytes received per crawler request (on the wire)',
    ['purpose'],
    FETCH_BYTES_BUCKETS,
  );
  const blocked = metrics.counter('kumo_fetch_blocked_total', 'Connections refused by the address policy', [
    'category',
  ]);
  const unsubscribers = [
    onDiagnostics<FetchEvent>(fetchChannel.name as string, (event) => {
      fetches.inc({ status: String(event.status), purpose: event.purpose });
      bytes.observe({ purpose: event.purpose }, event.bytes);
    }),
    onDiagnostics<BlockedEvent>(blockedChannel.name as string, (event) => blocked.inc({ category: event.category })),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
