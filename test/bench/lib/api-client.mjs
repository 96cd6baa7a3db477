// What a client of kumo's public API does in the benchmarks: POST a crawl, follow its event stream to `done`.
import { nowMs, openEventStream } from './sse-client.mjs';

export class KumoApi {
  /** @param {string} url base URL  @param {string} key API key */
  constructor(url, key) {
    this.url = url;
    this.key = key;
  }

  async request(path, init = {}) {
    const res = await fetch(`${this.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json', ...init.headers },
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return body;
  }

  /** `POST /v1/crawls`; resolves with the 202 body. */
  postCrawl(body) {
    return this.request('/v1/crawls', { method: 'POST', body: JSON.stringify(body) });
  }

  getCrawl(id) {
    return this.request(`/v1/crawls/${id}`);
  }

  eventsUrl(id) {
    return `${this.url}/v1/crawls/${id}/events`;
  }
}

/**
 * POSTs a crawl and follows its events until `done` (or until no event came for `idleTimeoutMs`: then `doneMs` is
 * null and `endReason` says why). Times are milliseconds from just before the POST.
 */
export async function runCrawl(api, body, { idleTimeoutMs = 15_000, maxMs = 600_000 } = {}) {
  const t0 = nowMs();
  const created = await api.postCrawl(body);
  const postMs = nowMs() - t0;
  const result = {
    id: created.id,
    postMs,
    firstPageMs: null,
    firstAnalysisMs: null,
    lastPageMs: null,
    lastAnalysisMs: null,
    doneMs: null,
    done: null,
    pages: { fetched: 0, failed: 0, skipped: 0, total: 0 },
    analyses: 0,
    progress: 0,
    textChars: 0,
    /** Characters of the pages that got an `analysis` event. */
    analysedChars: 0,
    /** Text length of each fetched page, by URL (to attribute characters to the analysis jobs that took them). */
    textLengthByUrl: new Map(),
    /** Arrival of each page event (ms from the POST). */
    pageTimes: [],
    /** Redis append time of each page event (ms from the POST, from the stream id): when the page was recorded. */
    pageAppendTimes: [],
    /** Arrival of each analysis event (ms from the POST). */
    analysisTimes: [],
    /** Arrival minus stream-entry time (ms) of each event: the stream id is the Redis append time. */
    delays: [],
    endReason: null,
  };
  let timer;
  let stream;
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      result.endReason = `no event for ${idleTimeoutMs} ms`;
      stream.close();
    }, idleTimeoutMs);
  };
  const hardStop = setTimeout(() => {
    result.endReason = `not done after ${maxMs} ms`;
    stream.close();
  }, maxMs);
  stream = openEventStream(api.eventsUrl(created.id), {
    key: api.key,
    onEvent: (event) => {
      rearm();
      const ms = event.at - t0;
      const appended = Number(event.id?.split('-')[0]);
      if (Number.isFinite(appended)) result.delays.push(event.at - appended);
      if (event.type === 'page') {
        const page = JSON.parse(event.data);
        result.firstPageMs ??= ms;
        result.lastPageMs = ms;
        result.pageTimes.push(ms);
        if (Number.isFinite(appended)) result.pageAppendTimes.push(appended - t0);
        result.pages.total += 1;
        if (page.status in result.pages) result.pages[page.status] += 1;
        result.textChars += page.textLength ?? 0;
        if (page.textLength) result.textLengthByUrl.set(page.url, page.textLength);
      } else if (event.type === 'analysis') {
        result.firstAnalysisMs ??= ms;
        result.lastAnalysisMs = ms;
        result.analysisTimes.push(ms);
        result.analyses += 1;
        const { url } = JSON.parse(event.data);
        result.analysedChars += result.textLengthByUrl.get(url) ?? 0;
      } else if (event.type === 'progress') {
        result.progress += 1;
      } else if (event.type === 'done') {
        result.doneMs = ms;
        result.done = JSON.parse(event.data);
        result.endReason = 'done';
      }
    },
  });
  rearm();
  const end = await stream.ended;
  clearTimeout(timer);
  clearTimeout(hardStop);
  result.endReason ??= `stream ended (${end.reason}, HTTP ${end.status})`;
  return result;
}
