import { crawlLinks, type WebhookDelivery, type WebhookPayload } from '@kumo/contract';
import type { CrawlStore } from '@kumo/crawl-state';
import { isKumoError } from '@kumo/errors';
import { jobAttempt, type Job, type KumoProcessor, type WebhookJobData, type WebhookJobResult } from '@kumo/queues';
import type { Dispatcher } from 'undici';
import { publishDelivery, type DeliveryOutcome } from './delivery-events.js';
import { InvalidWebhookJobError, WebhookCrawlGoneError, WebhookOptionsError } from './errors.js';
import { postWebhook } from './post-webhook.js';
import { webhookSignature } from './webhook-signature.js';

/** The event kumo sends when a crawl reaches a final status (`Kumo-Event`). */
export const CRAWL_FINISHED_EVENT = 'crawl.finished';

/** What {@link createWebhookProcessor} works with. */
export interface WebhookProcessorDeps {
  /** The crawl record (URL, status, counts) and the webhook's secret and delivery attempts. */
  state: Pick<CrawlStore, 'records' | 'webhooks'>;
  /** The crawler's safe agent: the receiver passes the same address policy as crawled pages. */
  dispatcher: Dispatcher;
  /** Deadline of one attempt (`WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** The User-Agent of deliveries (the crawler's). */
  userAgent: string;
  /** Clock; tests may replace it. @defaultValue Date.now */
  now?: () => number;
  /**
   * One line per attempt: `webhook delivered` (info) or `webhook attempt failed` (warn) with the crawl id, status,
   * attempt, outcome and error code — never the URL's query, the headers or the secret. @defaultValue none
   */
  logger?: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

/** The data of a `webhook` job, or `InvalidWebhookJobError` (never retried). */
export function webhookJobData(data: unknown): WebhookJobData {
  const value = data as Partial<WebhookJobData> | null;
  if (!value || typeof value.crawlId !== 'string' || value.crawlId.length === 0) {
    const got = JSON.stringify(data)?.slice(0, 200) ?? String(data);
    throw new InvalidWebhookJobError(`webhook job data must be { crawlId }, got ${got}`);
  }
  return { crawlId: value.crawlId };
}

/** Which run of the job this is: a run after a crash (stalled) counts as an attempt too. */
function attemptNumber(job: Pick<Job, 'attemptsMade' | 'attemptsStarted'>): number {
  return Math.max(job.attemptsMade + 1, job.attemptsStarted ?? 0);
}

function outcomeOf(error: unknown, final: boolean): DeliveryOutcome {
  if (isKumoError(error) && error.kind === 'permanent') return 'refused';
  return final ? 'failed' : 'retrying';
}

/**
 * The BullMQ processor of the `webhook` queue: one attempt to POST a finished crawl's `{ id, status, counts,
 * truncated, links }` to its webhook, signed when the crawl has a secret, each attempt recorded on the crawl
 * (`Crawl.webhook.deliveries`). A non-2xx answer, a timeout or an unreachable receiver throws a transient error, so
 * BullMQ retries on the webhook back-off; an address the policy refuses throws a permanent one (never retried).
 * A crawl already delivered (a 2xx recorded: the job re-added after its retention, or re-run after a crash that
 * came after the answer) is not delivered again.
 */
export function createWebhookProcessor(deps: WebhookProcessorDeps): KumoProcessor<WebhookJobData, WebhookJobResult> {
  if (!Number.isInteger(deps.timeoutMs) || deps.timeoutMs < 1) {
    throw new WebhookOptionsError(`timeoutMs must be a positive integer, got ${String(deps.timeoutMs)}`);
  }
  const now = deps.now ?? Date.now;

  return async (job) => {
    const { crawlId } = webhookJobData(job.data);
    const state = await deps.state.records.getCrawl(crawlId);
    if (!state) throw new WebhookCrawlGoneError(`crawl ${crawlId} is gone: its webhook is not delivered`);
    const { crawl } = state;
    const attempt = attemptNumber(job);
    const delivered = crawl.webhook?.deliveries.find((entry) => entry.status >= 200 && entry.status <= 299);
    if (!crawl.webhook || delivered) return { status: delivered?.status ?? 0, attempt };

    const payload: WebhookPayload = {
      id: crawl.id,
      status: crawl.status,
      counts: crawl.counts,
      truncated: crawl.truncated ?? false,
      links: crawlLinks(crawl.id),
    };
    const body = JSON.stringify(payload);
    const secret = await deps.state.webhooks.secret(crawlId);
    const headers: Record<string, string> = {
      'user-agent': deps.userAgent,
      'kumo-event': CRAWL_FINISHED_EVENT,
      'kumo-delivery': job.id ?? crawlId,
      ...(secret === undefined ? {} : { 'kumo-signature': webhookSignature(secret, body, Math.floor(now() / 1000)) }),
    };
    const started = now();
    const record = (entry: Omit<WebhookDelivery, 'at' | 'attempt'>) =>
      deps.state.webhooks.recordAttempt(crawlId, { at: new Date(now()).toISOString(), attempt, ...entry });
    try {
      const { status } = await postWebhook(crawl.webhook.url, body, headers, {
        dispatcher: deps.dispatcher,
        timeoutMs: deps.timeoutMs,
      });
      await record({ status });
      const ms = now() - started;
      publishDelivery({ crawlId, outcome: 'delivered', status, attempt, ms });
      deps.logger?.info({ crawlId, status, attempt, ms }, 'webhook delivered');
      return { status, attempt };
    } catch (error) {
      const answered = (error as { status?: unknown }).status;
      const status = typeof answered === 'number' ? answered : 0;
      const code = isKumoError(error) ? error.code : undefined;
      const failure = code === undefined ? {} : { error: code };
      await record({ status, ...failure });
      const outcome = outcomeOf(error, jobAttempt(job).final);
      const ms = now() - started;
      publishDelivery({ crawlId, outcome, status, attempt, ms, ...failure });
      deps.logger?.warn({ crawlId, status, attempt, ms, outcome, code }, 'webhook attempt failed');
      throw error;
    }
  };
}
