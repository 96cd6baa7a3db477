import { analysisEventSchema, type Analysis, type PageResult } from '@kumo/contract';
import type { StateContext } from './state-context.js';

/**
 * Most followable links an entry keeps. A page with more is not remembered at all (the next run fetches it in full):
 * a `304` must lead to every child the page would have led to.
 */
export const MAX_VALIDATED_LINKS = 1000;

/** The page fields a `304` copies from the earlier fetch. */
export type ValidatedPageFields = Partial<
  Pick<PageResult, 'contentType' | 'charset' | 'title' | 'lang' | 'bytes' | 'textLength'>
>;

/** What a crawl keeps of a page fetched with validators, for the next run (`Revalidation` of @kumo/crawler). */
export interface ValidatorsEntry {
  etag?: string;
  lastModified?: string;
  /** The page's followable links (normalised, in scope of the crawl that fetched it). */
  links: readonly string[];
  page: ValidatedPageFields;
}

/** An earlier crawl's entry for a page, with the analysis it recorded for it when asked for. */
export interface PreviousPage {
  entry: ValidatorsEntry;
  /** Set when the lookup asked for the analysis (it is never null then: no analysis, no entry). */
  analysis?: Analysis;
}

const PAGE_FIELDS = ['contentType', 'charset', 'title', 'lang', 'bytes', 'textLength'] as const;

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The stored JSON as an entry, or null when it is damaged (the page is then fetched in full). */
function parseEntry(json: string): ValidatorsEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const raw = value as Partial<Record<keyof ValidatorsEntry, unknown>> | null;
  if (!raw || typeof raw !== 'object') return null;
  const etag = isString(raw.etag) ? raw.etag : undefined;
  const lastModified = isString(raw.lastModified) ? raw.lastModified : undefined;
  if (etag === undefined && lastModified === undefined) return null;
  if (!Array.isArray(raw.links) || !raw.links.every(isString)) return null;
  const stored = (raw.page ?? {}) as Record<string, unknown>;
  const page: Record<string, unknown> = {};
  for (const field of PAGE_FIELDS) {
    const kind = field === 'bytes' || field === 'textLength' ? 'number' : 'string';
    if (typeof stored[field] === kind) page[field] = stored[field];
  }
  return {
    ...(etag === undefined ? {} : { etag }),
    ...(lastModified === undefined ? {} : { lastModified }),
    links: raw.links as string[],
    page: page as ValidatedPageFields,
  };
}

/**
 * Validators per crawl and URL (`cache:{b:NN}:validators:<id>`, hash url → entry JSON): what the next run of a
 * schedule needs to fetch a page conditionally (`ETag`, `Last-Modified`) and, on a `304`, to stand in for it (its
 * followable links, its page fields). The analysis is not copied: the entry refers to it through the crawl's own
 * analysis index and result stream, read in the same script, so an entry whose analysis is gone is no entry.
 *
 * TTL `validatorsTtlMs` (default: the result TTL, at most the `cache` purpose's 30 days), renewed by each write: the
 * analyses and the report a later run reuses live as long as the crawl's results, so validators outliving them
 * would be of no use.
 */
export class PageValidators {
  constructor(private readonly context: StateContext) {}

  /**
   * Keeps a page's entry for the next run; false (nothing kept) when it has no validator or more than
   * {@link MAX_VALIDATED_LINKS} links. A retry writes the same entry again.
   */
  async remember(id: string, url: string, entry: ValidatorsEntry): Promise<boolean> {
    if (entry.etag === undefined && entry.lastModified === undefined) return false;
    if (entry.links.length > MAX_VALIDATED_LINKS) return false;
    const page = Object.fromEntries(
      PAGE_FIELDS.flatMap((field) => (entry.page[field] === undefined ? [] : [[field, entry.page[field]]])),
    );
    const json = JSON.stringify({ etag: entry.etag, lastModified: entry.lastModified, links: entry.links, page });
    await this.context.commands.putValidators({
      keys: [{ key: this.context.keys.validators(id), ttl: this.context.validatorsTtlMs }],
      args: [url, json],
    });
    return true;
  }

  /**
   * The entry crawl `id` kept for `url`, with the analysis it recorded for the page when `withAnalysis` (one script,
   * one round trip); null when there is none, when it is damaged, or when the analysis is asked for and gone.
   */
  async previous(id: string, url: string, options: { withAnalysis: boolean }): Promise<PreviousPage | null> {
    const { keys, validatorsTtlMs, resultTtlMs } = this.context;
    const reply = (await this.context.commands.previousPage({
      keys: [
        { key: keys.validators(id), ttl: validatorsTtlMs },
        { key: keys.analysisIndex(id), ttl: resultTtlMs },
        { key: keys.events(id), ttl: resultTtlMs },
      ],
      args: [url, options.withAnalysis ? '1' : '0'],
    })) as string[];
    if (!Array.isArray(reply) || reply.length === 0) return null;
    const entry = parseEntry(String(reply[0]));
    if (entry === null) return null;
    if (!options.withAnalysis) return { entry };
    let event: unknown;
    try {
      event = JSON.parse(String(reply[1]));
    } catch {
      return null;
    }
    const parsed = analysisEventSchema.safeParse(event);
    return parsed.success ? { entry, analysis: parsed.data.analysis } : null;
  }
}
