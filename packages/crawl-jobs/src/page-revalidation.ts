import type { Analysis, CrawlRequest } from '@kumo/contract';
import type { CrawlPageOutcome, Revalidation } from '@kumo/crawler';
import type { CrawlStore, ValidatorsEntry } from '@kumo/crawl-state';

// Conditional re-fetch seen from a crawl job: what the previous run kept of a page (sent as If-None-Match /
// If-Modified-Since), and what this run keeps for the next one.

/** A page the previous run fetched with validators: how to ask for it again, and what stands in for it on a `304`. */
export interface PreviousFetch {
  revalidation: Revalidation;
  /** The analysis the previous run recorded for the page; set whenever the crawl analyses (never a page without one). */
  analysis?: Analysis;
}

/**
 * The previous run's entry for `url`, or undefined when the page is fetched unconditionally: no previous run, a crawl
 * that stores text or links (a `304` has neither), no entry (no validators then, too many links, expired), or an
 * analysing crawl whose previous analysis of the page is gone.
 */
export async function previousFetchOf(
  validators: CrawlStore['validators'],
  previousId: string | undefined,
  request: Pick<CrawlRequest, 'analyze' | 'store'>,
  url: string,
): Promise<PreviousFetch | undefined> {
  if (previousId === undefined || (request.store ?? []).length > 0) return undefined;
  const withAnalysis = request.analyze !== false;
  const previous = await validators.previous(previousId, url, { withAnalysis });
  if (previous === null) return undefined;
  const { entry } = previous;
  const revalidation: Revalidation = { ...validatorsPart(entry), links: entry.links, page: entry.page };
  return { revalidation, ...(previous.analysis === undefined ? {} : { analysis: previous.analysis }) };
}

function validatorsPart(entry: Pick<ValidatorsEntry, 'etag' | 'lastModified'>) {
  return {
    ...(entry.etag === undefined ? {} : { etag: entry.etag }),
    ...(entry.lastModified === undefined ? {} : { lastModified: entry.lastModified }),
  };
}

/**
 * What this run keeps of a page for the next one: a page fetched with validators (its links as followed now), or a
 * page a `304` stood in for (the previous entry carried over, so a run after an unchanged one still revalidates).
 */
export function validatorsEntryOf(
  outcome: CrawlPageOutcome,
  previous: PreviousFetch | undefined,
): ValidatorsEntry | undefined {
  if (outcome.notModified === true && previous !== undefined) {
    const { links, page } = previous.revalidation;
    return { ...validatorsPart(previous.revalidation), links, page };
  }
  if (outcome.validators === undefined || outcome.page.status !== 'fetched') return undefined;
  const { contentType, charset, title, lang, bytes, textLength } = outcome.page;
  const page = Object.fromEntries(
    Object.entries({ contentType, charset, title, lang, bytes, textLength }).filter(([, value]) => value !== undefined),
  );
  return { ...validatorsPart(outcome.validators), links: outcome.nofollow ? [] : outcome.links, page };
}
