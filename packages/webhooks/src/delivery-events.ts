import diagnosticsChannel from 'node:diagnostics_channel';

/** How one delivery attempt ended: `kumo_webhook_deliveries_total{outcome}`. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'refused';

/** Published once per delivery attempt on `kumo:webhooks:delivery`. */
export interface DeliveryEvent {
  crawlId: string;
  /**
   * `delivered` (2xx), `retrying` (no 2xx, attempts left), `failed` (no 2xx on the last attempt) or `refused`
   * (the address policy refused the receiver: never retried).
   */
  outcome: DeliveryOutcome;
  /** The receiver's HTTP status; 0 when no response came. */
  status: number;
  attempt: number;
  ms: number;
  /** The error code when the attempt got no 2xx. */
  error?: string;
}

/** `kumo:webhooks:delivery` — see {@link DeliveryEvent}. */
export const deliveryChannel = diagnosticsChannel.channel('kumo:webhooks:delivery');

export function publishDelivery(event: DeliveryEvent): void {
  if (deliveryChannel.hasSubscribers) deliveryChannel.publish(event);
}
