import type { Analysis } from '@kumo/contract';
import type { CrawlEvent, ResultStream } from '@kumo/crawl-state';

/** What a walk reads: a crawl's result stream. */
export type EventSource = Pick<ResultStream, 'readEvents'>;

/** Options of {@link walkEvents} and {@link forEachAnalysis}. */
export interface ForEachAnalysisOptions {
  /** Events read per `XRANGE` round trip. Required (the aggregate job uses 500). */
  pageSize: number;
  /** Stop after this stream id (inclusive): pass 2 reads exactly what pass 1 read. Default: the stream's end. */
  until?: string;
}

/** What one walk over a result stream saw. */
export interface AnalysisWalk {
  /** `analysis` events handed to the callback. */
  analyses: number;
  /** `analysis` events whose data was not `{ url, analysis }` JSON (skipped). */
  malformed: number;
  /** Id of the last event read, whatever its type; undefined for an empty stream. */
  lastId: string | undefined;
}

/** Compares two stream ids (`<ms>-<seq>`) numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

function analysisOf(data: string): Analysis | undefined {
  try {
    const value = JSON.parse(data) as { analysis?: Analysis } | null;
    const analysis = value?.analysis;
    return analysis && typeof analysis === 'object' && Array.isArray(analysis.terms) ? analysis : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pages through a crawl's result stream with a cursor (`readEvents` with `after` and `count`), handing every event
 * to `onEvent`, up to `until` (inclusive) when given. Memory stays one page of events deep, whatever the crawl's
 * size. Returns the id of the last event handed over (undefined for an empty stream).
 */
export async function walkEvents(
  source: EventSource,
  crawlId: string,
  options: ForEachAnalysisOptions,
  onEvent: (event: CrawlEvent) => void,
): Promise<string | undefined> {
  let after: string | undefined;
  let lastId: string | undefined;
  for (;;) {
    const events = await source.readEvents(crawlId, {
      count: options.pageSize,
      ...(after === undefined ? {} : { after }),
    });
    for (const event of events) {
      if (options.until !== undefined && compareStreamIds(event.id, options.until) > 0) return lastId;
      lastId = event.id;
      onEvent(event);
    }
    if (events.length < options.pageSize) return lastId;
    after = events[events.length - 1]!.id;
  }
}

/**
 * Hands every `analysis` event's analysis to `onAnalysis`, in stream order (see `walkEvents`); never
 * `getChildrenValues`, which would load every child's result at once.
 */
export async function forEachAnalysis(
  source: EventSource,
  crawlId: string,
  options: ForEachAnalysisOptions,
  onAnalysis: (analysis: Analysis) => void,
): Promise<AnalysisWalk> {
  const walk: AnalysisWalk = { analyses: 0, malformed: 0, lastId: undefined };
  walk.lastId = await walkEvents(source, crawlId, options, (event) => {
    if (event.type !== 'analysis') return;
    const analysis = analysisOf(event.data);
    if (analysis === undefined) {
      walk.malformed++;
      return;
    }
    walk.analyses++;
    onAnalysis(analysis);
  });
  return walk;
}
