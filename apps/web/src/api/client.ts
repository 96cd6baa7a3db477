import type {
  Crawl,
  CrawlCreated,
  CrawlRequestInput,
  PagesPage,
  Report,
  Schedule,
  ScheduleRequestInput,
  SchedulesPage,
} from '@kumo/contract';
import { networkProblem, problemOf, type ApiResult } from './problem.js';

/** `GET /v1/crawls` (CONTRACT.md, "Listing and owning crawls"). */
export interface CrawlList {
  items: Crawl[];
  nextCursor: string | null;
}

/**
 * The report as the page reads it: the contract's `Report`, whose second-round fields (`partial`, `diff`) are
 * optional because older servers (and crawls without a previous run) do not send them.
 */
export type ReportView = Report;

/** The crawl as the page reads it: `counts.dropped` and `truncated` may be absent on older servers. */
export type CrawlView = Crawl;

export type ExportFormat = 'csv' | 'ndjson';

/**
 * The API from the browser, same origin. Every call sends the key as `Authorization: Bearer` (never in a URL) and
 * answers an `ApiResult`: the page shows a failure's problem document rather than catching exceptions.
 */
export class ApiClient {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  /** Headers every call sends; the event stream adds `Last-Event-ID` to them. */
  headers(extra: Record<string, string> = {}): Headers {
    return new Headers({ authorization: `Bearer ${this.#key}`, ...extra });
  }

  async request<T>(
    path: string,
    init: RequestInit = {},
    read: (response: Response) => Promise<T> = jsonOf,
  ): Promise<ApiResult<T>> {
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers: this.headers(Object.fromEntries(new Headers(init.headers))) });
    } catch (error) {
      return { ok: false, problem: networkProblem(error) };
    }
    if (!response.ok) return { ok: false, problem: await problemOf(response) };
    try {
      return { ok: true, status: response.status, data: await read(response), response };
    } catch (error) {
      return { ok: false, problem: networkProblem(error) };
    }
  }

  listCrawls(query: {
    status?: string[];
    scheduleId?: string;
    cursor?: string | null;
    limit?: number;
  }): Promise<ApiResult<CrawlList>> {
    const params = new URLSearchParams();
    if (query.status && query.status.length > 0) params.set('status', query.status.join(','));
    if (query.scheduleId) params.set('scheduleId', query.scheduleId);
    if (query.cursor) params.set('cursor', query.cursor);
    params.set('limit', String(query.limit ?? 20));
    return this.request(`/v1/crawls?${params.toString()}`);
  }

  getCrawl(id: string): Promise<ApiResult<CrawlView>> {
    return this.request(`/v1/crawls/${encodeURIComponent(id)}`);
  }

  startCrawl(body: CrawlRequestInput): Promise<ApiResult<CrawlCreated>> {
    return this.request('/v1/crawls', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  cancelCrawl(id: string): Promise<ApiResult<{ id: string; status: string }>> {
    return this.request(`/v1/crawls/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  pages(id: string, cursor: string | null, limit = 500): Promise<ApiResult<PagesPage>> {
    const params = new URLSearchParams({ limit: String(limit) });
    if (cursor) params.set('cursor', cursor);
    return this.request(`/v1/crawls/${encodeURIComponent(id)}/pages?${params.toString()}`);
  }

  report(id: string): Promise<ApiResult<ReportView>> {
    return this.request(`/v1/crawls/${encodeURIComponent(id)}/report`);
  }

  /** `GET /v1/schedules` (CONTRACT.md, "Schedules"): the key's schedules, newest first, cursor-paged. */
  listSchedules(query: { cursor?: string | null; limit?: number }): Promise<ApiResult<SchedulesPage>> {
    const params = new URLSearchParams({ limit: String(query.limit ?? 20) });
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request(`/v1/schedules?${params.toString()}`);
  }

  getSchedule(id: string): Promise<ApiResult<Schedule>> {
    return this.request(`/v1/schedules/${encodeURIComponent(id)}`);
  }

  createSchedule(body: ScheduleRequestInput): Promise<ApiResult<Schedule>> {
    return this.request('/v1/schedules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** `204 No Content` on success: nothing to read. */
  deleteSchedule(id: string): Promise<ApiResult<null>> {
    return this.request(`/v1/schedules/${encodeURIComponent(id)}`, { method: 'DELETE' }, () => Promise.resolve(null));
  }

  /** The export as a Blob (the Bearer header rules out a plain link), with the file name the server suggests. */
  exportCrawl(id: string, format: ExportFormat): Promise<ApiResult<{ blob: Blob; fileName: string }>> {
    return this.request(`/v1/crawls/${encodeURIComponent(id)}/export?format=${format}`, {}, async (response) => ({
      blob: await response.blob(),
      fileName: fileNameOf(response.headers.get('content-disposition')) ?? `kumo-${id}.${format}`,
    }));
  }
}

function jsonOf<T>(response: Response): Promise<T> {
  return response.json() as Promise<T>;
}

/** `attachment; filename="x.csv"` → `x.csv`. */
function fileNameOf(disposition: string | null): string | undefined {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
