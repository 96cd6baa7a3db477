import { onDiagnostics, type AppMetrics } from '@kumo/observability';
import { deliveryChannel, type DeliveryEvent } from './delivery-events.js';

/**
 * Turns `kumo:webhooks:delivery` into `kumo_webhook_deliveries_total{outcome}` (delivered, retrying, failed,
 * refused: one count per attempt) in the app's registry. Returns the function that unsubscribes.
 */
export function bridgeWebhookMetrics(metrics: Pick<AppMetrics, 'counter'>): () => void {
  const deliveries = metrics.counter('kumo_webhook_deliveries_total', 'Webhook delivery attempts, by outcome', [
    'outcome',
  ]);
  return onDiagnostics<DeliveryEvent>(deliveryChannel.name as string, (event) =>
    deliveries.inc({ outcome: event.outcome }),
  );
}
