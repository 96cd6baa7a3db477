import type { WebhookDelivery } from '@kumo/contract';
import type { OwnerIndex } from './owner-index.js';
import type { StateContext } from './state-context.js';

/** Delivery attempts kept per crawl (`Crawl.webhook.deliveries`): the latest ones, enough to see a retry history. */
export const MAX_DELIVERIES_KEPT = 20;

/**
 * A crawl's webhook as the delivering worker sees it: the secret kept beside the record (never part of the
 * request that clients read back) and the record of each delivery attempt. Both live in the crawl record, so they
 * share its key, its bucket tag and its TTL.
 */
export class WebhookDeliveries {
  constructor(
    private readonly context: StateContext,
    private readonly index: OwnerIndex,
  ) {}

  /** The webhook's signing secret; undefined when the crawl has none (or is gone). */
  async secret(id: string): Promise<string | undefined> {
    return (await this.context.store.hGet(this.context.keys.record(id), 'webhookSecret')) ?? undefined;
  }

  /**
   * Appends one attempt to the record's `deliveries`, keeping the latest {@link MAX_DELIVERIES_KEPT}.
   * `CrawlNotFoundError` when the crawl is gone.
   */
  async recordAttempt(id: string, delivery: WebhookDelivery): Promise<void> {
    const reply = await this.context.commands.recordDelivery({
      keys: [this.context.record(id)],
      args: [JSON.stringify(delivery), String(MAX_DELIVERIES_KEPT)],
    });
    this.context.check(id, reply);
    // The write renewed the record's TTL (retries go on for a day after the crawl settled): the owner's index
    // must live as long, or the crawl would drop out of `GET /v1/crawls` while its record is still there.
    await this.index.renewOf(id);
  }
}
