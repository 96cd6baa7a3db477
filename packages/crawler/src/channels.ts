import diagnosticsChannel from 'node:diagnostics_channel';

/** Published once per HTTP request made (every redirect hop and robots.txt fetch included). */
export interface FetchEvent {
  url: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  ms: number;
  /** Bytes received on the wire (before decompression). */
  bytes: number;
  purpose: 'page' | 'robots';
  /** The crawler error code when the request failed. */
  error?: string;
}

/** Published when a connection is refused by the address policy. */
export interface BlockedEvent {
  url: string;
  host: string;
  address: string;
  category: string;
}

/** `kumo:crawler:fetch` — see {@link FetchEvent}. */
export const fetchChannel = diagnosticsChannel.channel('kumo:crawler:fetch');
/** `kumo:crawler:blocked` — see {@link BlockedEvent}. */
export const blockedChannel = diagnosticsChannel.channel('kumo:crawler:blocked');

export function publishFetch(event: FetchEvent): void {
  if (fetchChannel.hasSubscribers) fetchChannel.publish(event);
}

export function publishBlocked(event: BlockedEvent): void {
  if (blockedChannel.hasSubscribers) blockedChannel.publish(event);
}
