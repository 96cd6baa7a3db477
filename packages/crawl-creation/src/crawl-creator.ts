import { crawlRequestSchema, type Crawl, type CrawlRequest, type CrawlStatus } from '@kumo/contract';
import type { Config } from '@kumo/config';
import {
  CrawlStateErrorCode,
  newCrawlId,
  type CrawlFlowStarter,
  type CrawlLineage,
  type CrawlStore,
  type IdempotencyStore,
} from '@kumo/crawl-state';
import { AdmissionControl, type AdmissionCounts } from './admission-control.js';
import { crawlLimitErrors, type CrawlLimitSettings } from './crawl-limits.js';
import { IdempotencyConflictError, InvalidCrawlRequestError } from './errors.js';
import { fieldErrors } from './field-errors.js';
import { normalizeSeeds } from './normalize-seeds.js';
import { requestHash } from './request-hash.js';
import { startSources } from './start-sources.js';
import { webhookTargetErrors, webhookTargetPolicy, type WebhookTargetSettings } from './webhook-target.js';

/** The settings crawl creation reads: the deployment's limits, the webhook address policy, admission's thresholds. */
export type CrawlCreationSettings = CrawlLimitSettings &
  WebhookTargetSettings &
  Pick<Config, 'API_MAX_RUNNING_CRAWLS' | 'API_MAX_QUEUE_BACKLOG'>;

export interface CrawlCreatorDeps {
  settings: CrawlCreationSettings;
  crawls: Pick<CrawlStore, 'records' | 'lifecycle'>;
  idempotency: Pick<IdempotencyStore, 'rememberIdempotency'>;
  /** Adds the crawl's flow and reads admission's counts (`KumoQueues` of `@kumo/queues` does both). */
  queues: CrawlFlowStarter & AdmissionCounts;
  /** Told when a crawl whose start failed could not be marked failed either. Default: ignore. */
  onCompensationError?: (error: unknown, crawlId: string) => void;
}

export interface CreateCrawlInput extends CrawlLineage {
  /** Who owns the crawl (the API key's owner id). */
  owner: string;
  /** A request `parse` accepted. */
  request: CrawlRequest;
  /**
   * Makes a retry safe: the same key (per owner, 24 h) with the same body answers the crawl it created; with
   * another body, `IdempotencyConflictError`.
   */
  idempotencyKey?: string | undefined;
}

/** The crawl a creation made or found: `replayed` when an earlier call with the same idempotency key made it. */
export interface CreatedCrawl {
  id: string;
  status: CrawlStatus;
  replayed: boolean;
  /** The schedule run's previous crawl the crawl was created with (a replay's: the first call's, whatever was asked). */
  previousId?: string;
}

/**
 * Creates crawls exactly as `POST /v1/crawls` does, for the API and for schedule runs in the crawl workers: the
 * request schema and the deployment's limits (`parse`), then idempotency, admission control and the start (record,
 * seeds, flow) in `create`. Admission control counts per instance: one creator per process.
 */
export class CrawlCreator {
  readonly #deps: CrawlCreatorDeps;
  readonly #admission: AdmissionControl;
  readonly #webhookPolicy: ReturnType<typeof webhookTargetPolicy>;

  constructor(deps: CrawlCreatorDeps) {
    this.#deps = deps;
    this.#webhookPolicy = webhookTargetPolicy(deps.settings);
    this.#admission = new AdmissionControl({
      queues: deps.queues,
      maxRunning: deps.settings.API_MAX_RUNNING_CRAWLS,
      maxBacklog: deps.settings.API_MAX_QUEUE_BACKLOG,
    });
  }

  /** The request with its defaults, or `InvalidCrawlRequestError` naming every field the schema or the limits refuse. */
  parse(body: unknown): CrawlRequest {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidCrawlRequestError('The body must be a JSON object.', [
        { path: '', message: 'expected a JSON object' },
      ]);
    }
    const parsed = crawlRequestSchema.safeParse(body);
    if (!parsed.success) throw new InvalidCrawlRequestError('The crawl request is invalid.', fieldErrors(parsed.error));
    this.check(parsed.data);
    return parsed.data;
  }

  /** `InvalidCrawlRequestError` when a schema-valid request exceeds what this deployment allows. */
  check(request: CrawlRequest): void {
    const errors = [
      ...crawlLimitErrors(request, this.#deps.settings),
      ...webhookTargetErrors(request, this.#webhookPolicy),
    ];
    if (errors.length > 0) {
      throw new InvalidCrawlRequestError('The crawl request exceeds what this deployment allows.', errors);
    }
  }

  /**
   * Creates the crawl (or finds the one its idempotency key created). `CreationOverloadedError` when admission
   * control refuses it, `IdempotencyConflictError` for a key reused with another body.
   */
  async create(input: CreateCrawlInput): Promise<CreatedCrawl> {
    const { owner, request, idempotencyKey } = input;
    const { crawls } = this.#deps;
    const bodyHash = requestHash(request);
    let id = newCrawlId();

    if (idempotencyKey !== undefined) {
      const remembered = await this.#deps.idempotency.rememberIdempotency(owner, idempotencyKey, bodyHash, id);
      if (!remembered.created) {
        if (remembered.bodyHash !== bodyHash) {
          throw new IdempotencyConflictError(
            'This idempotency key was already used with a different request body within the last 24 hours.',
          );
        }
        const existing = await crawls.records.getCrawl(remembered.crawlId);
        if (existing && existing.owner === owner) {
          return replayOf(existing.crawl);
        }
        // The first call stored the key but failed before creating the crawl: this retry finishes its work.
        id = remembered.crawlId;
      }
    }

    await this.#admission.admit(request.urls.length + (request.sources?.length ?? 0));
    try {
      await crawls.lifecycle.startCrawl(
        {
          id,
          owner,
          request,
          seeds: normalizeSeeds(request.urls),
          sources: startSources(request.sources),
          createdAt: new Date(),
          ...(input.scheduleId === undefined ? {} : { scheduleId: input.scheduleId }),
          ...(input.previousId === undefined ? {} : { previousId: input.previousId }),
        },
        this.#deps.queues,
        { onCompensationError: (error) => this.#deps.onCompensationError?.(error, id) },
      );
    } catch (error) {
      // A concurrent retry with the same idempotency key created it first: answer like a replay.
      if ((error as { code?: unknown }).code === CrawlStateErrorCode.CRAWL_EXISTS && idempotencyKey !== undefined) {
        const existing = await crawls.records.getCrawl(id);
        if (existing && existing.owner === owner) return replayOf(existing.crawl);
      }
      throw error;
    }
    return {
      id,
      status: 'queued',
      replayed: false,
      ...(input.previousId === undefined ? {} : { previousId: input.previousId }),
    };
  }
}

/** What a creation answers when an earlier call with the same idempotency key created the crawl. */
function replayOf(crawl: Pick<Crawl, 'id' | 'status' | 'previousId'>): CreatedCrawl {
  return {
    id: crawl.id,
    status: crawl.status,
    replayed: true,
    ...(crawl.previousId === undefined ? {} : { previousId: crawl.previousId }),
  };
}
