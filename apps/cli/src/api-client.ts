import {
  type Crawl,
  type CrawlCreated,
  type CrawlRequestInput,
  type CrawlStatus,
  type CrawlsPage,
  type PageResult,
  type PagesPage,
  type Report,
  type Schedule,
  type ScheduleRequestInput,
  type SchedulesPage,
  crawlCreatedSchema,
  crawlSchema,
  crawlStatusSchema,
  crawlsPageSchema,
  pagesPageSchema,
  reportSchema,
  scheduleSchema,
  schedulesPageSchema,
} from '@kumo/contract';
import { z } from 'zod';
import { ApiBadResponseError, CliUsageError } from './errors.js';
import { problemFrom, unreachable } from './http-errors.js';
import { type FollowEventsOptions, followEvents } from './event-stream.js';
import type { SseEvent } from './sse-parser.js';

export interface ApiClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000` (a path prefix behind a proxy is kept). Required. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`. Default: no header (the API answers 401). */
  apiKey?: string | undefined;
  /** Time limit of one ordinary request (not of the event stream). Default 30 000 ms. */
  requestTimeoutMs?: number;
}

const cancelledSchema = z.object({ id: z.string(), status: crawlStatusSchema });

/**
 * A small client of kumo's REST API (global fetch, i.e. Node's bundled undici). Every answer is checked against
 * @kumo/contract; problem details become ApiProblemError with the server's code.
 */
export class ApiClient {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #requestTimeoutMs: number;

  constructor(options: ApiClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new CliUsageError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
    }
    // A trailing slash makes relative resolution keep a path prefix (https://host/kumo/ + v1/crawls).
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base.href;
    this.#apiKey = options.apiKey;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** `POST /v1/crawls`; 202 for a new crawl, 200 for an idempotent replay. */
  async createCrawl(body: CrawlRequestInput, options: { idempotencyKey?: string | undefined } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return this.#request<CrawlCreated>('POST', 'v1/crawls', crawlCreatedSchema, {
      body: JSON.stringify(body),
      headers,
    });
  }

  /** `GET /v1/crawls`: one page of the caller's crawls, newest first. */
  listCrawls(
    options: {
      statuses?: readonly CrawlStatus[] | undefined;
      scheduleId?: string | undefined;
      cursor?: string | undefined;
      limit?: number;
    } = {},
  ): Promise<CrawlsPage> {
    const query = new URLSearchParams();
    if (options.statuses && options.statuses.length > 0) query.set('status', options.statuses.join(','));
    if (options.scheduleId) query.set('scheduleId', options.scheduleId);
    if (options.cursor) query.set('cursor', options.cursor);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    return this.#request('GET', `v1/crawls${suffix}`, crawlsPageSchema);
  }

  /** `GET /v1/crawls/:id`. */
  getCrawl(id: string): Promise<Crawl> {
    return this.#request('GET', crawlPath(id), crawlSchema);
  }

  /** `GET /v1/crawls/:id/report`; a 409 problem while the crawl is not completed. */
  getReport(id: string): Promise<Report> {
    return this.#request('GET', `${crawlPath(id)}/report`, reportSchema);
  }

  /** `DELETE /v1/crawls/:id`. */
  cancelCrawl(id: string): Promise<{ id: string; status: CrawlStatus }> {
    return this.#request('DELETE', crawlPath(id), cancelledSchema);
  }

  /** `POST /v1/schedules`: 201 with the schedule (its `crawl` with the API's defaults, `nextRunAt`). */
  createSchedule(body: ScheduleRequestInput): Promise<Schedule> {
    return this.#request('POST', 'v1/schedules', scheduleSchema, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }

  /** `GET /v1/schedules`: one page of the caller's schedules, newest first. */
  listSchedules(options: { cursor?: string | undefined; limit?: number } = {}): Promise<SchedulesPage> {
    return this.#request('GET', `v1/schedules${pagingQuery(options)}`, schedulesPageSchema);
  }

  /** `GET /v1/schedules/:id`: the schedule, with when it runs next and its latest crawl. */
  getSchedule(id: string): Promise<Schedule> {
    return this.#request('GET', `v1/schedules/${encodeURIComponent(id)}`, scheduleSchema);
  }

  /** `DELETE /v1/schedules/:id`: 204, no body; no run starts after it. */
  async deleteSchedule(id: string): Promise<void> {
    await this.#send('DELETE', `v1/schedules/${encodeURIComponent(id)}`);
  }

  /** `GET /v1/crawls/:id/pages`: one page of results. */
  listPages(id: string, options: { cursor?: string | undefined; limit?: number | undefined } = {}): Promise<PagesPage> {
    return this.#request('GET', `${crawlPath(id)}/pages${pagingQuery(options)}`, pagesPageSchema);
  }

  /** Every page result of a crawl, following `nextCursor` until it is null. */
  async *allPages(id: string, options: { limit?: number; cursor?: string } = {}): AsyncGenerator<PageResult> {
    let cursor: string | undefined = options.cursor;
    do {
      const page = await this.listPages(id, { cursor, limit: options.limit });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /**
   * `GET /v1/crawls/:id/export`: the export's body as a stream, once the API answered 200 (a problem is thrown as
   * usual). The request time limit covers the answer's headers only: the body of a large export takes as long as
   * it takes. `signal` aborts the request and the body.
   */
  async exportPages(
    id: string,
    options: { format: 'csv' | 'ndjson'; include?: readonly string[]; signal?: AbortSignal | undefined },
  ): Promise<{ body: AsyncIterable<Uint8Array>; crawlStatus: string | null }> {
    const query = new URLSearchParams({ format: options.format });
    if (options.include && options.include.length > 0) query.set('include', options.include.join(','));
    const url = this.#url(`${crawlPath(id)}/export?${query.toString()}`);
    const headersTimeout = new AbortController();
    const timer = setTimeout(
      () => headersTimeout.abort(new DOMException('timed out', 'TimeoutError')),
      this.#requestTimeoutMs,
    );
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.#authHeaders(),
        signal: options.signal ? AbortSignal.any([options.signal, headersTimeout.signal]) : headersTimeout.signal,
      });
    } catch (error) {
      throw unreachable(url, error);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok || !response.body) {
      throw problemFrom(response, await readText(response, url), `GET ${url.pathname}`);
    }
    return { body: response.body, crawlStatus: response.headers.get('kumo-crawl-status') };
  }

  /**
   * `GET /v1/crawls/:id/events`: the crawl's events from the start (or after `lastEventId`), following the live
   * stream and reconnecting with `Last-Event-ID` when the connection drops; ends after `done`.
   */
  events(id: string, options: Omit<FollowEventsOptions, 'url' | 'headers'> = {}): AsyncGenerator<SseEvent> {
    return followEvents({ ...options, url: this.#url(`${crawlPath(id)}/events`), headers: this.#authHeaders() });
  }

  #url(path: string): URL {
    return new URL(path, this.baseUrl);
  }

  #authHeaders(): Record<string, string> {
    return this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {};
  }

  /** Sends one ordinary request; a non-2xx answer is thrown as a problem. Returns the status and the body text. */
  async #send(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; text: string; url: URL }> {
    const url = this.#url(path);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', ...this.#authHeaders(), ...init.headers },
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (error) {
      throw unreachable(url, error);
    }
    const text = await readText(response, url);
    if (!response.ok) throw problemFrom(response, text, `${method} ${url.pathname}`);
    return { status: response.status, text, url };
  }

  /** Sends one ordinary request and checks its JSON answer against the contract's `schema`. */
  async #request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const { status, text, url } = await this.#send(method, path, init);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ApiBadResponseError(status, `${method} ${url.pathname} answered ${status} without JSON`, {
        cause: error,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new ApiBadResponseError(
        status,
        `${method} ${url.pathname} answered a shape outside the contract (${where.slice(0, 3).join('; ')})`,
      );
    }
    return parsed.data;
  }
}

/** `?cursor=&limit=` of a cursor-paged list, or nothing when neither is given. */
function pagingQuery(options: { cursor?: string | undefined; limit?: number | undefined }): string {
  const query = new URLSearchParams();
  if (options.cursor) query.set('cursor', options.cursor);
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  return query.size > 0 ? `?${query.toString()}` : '';
}

function crawlPath(id: string): string {
  return `v1/crawls/${encodeURIComponent(id)}`;
}

async function readText(response: Response, url: URL): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw unreachable(url, error);
  }
}
