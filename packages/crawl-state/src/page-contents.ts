import type { PageResult, StoredContent } from '@kumo/contract';
import type { StateContext } from './state-context.js';

/** Most outgoing links kept per page (the first ones, in document order); a page may link to many more. */
export const MAX_STORED_LINKS = 1000;
/** Longest outgoing link kept, in characters; a longer one is left out (a URL that long is rarely a page). */
export const MAX_STORED_LINK_LENGTH = 2048;

/** What a crawl with `store` keeps of one fetched page. */
export interface PageContent {
  /** The visible text (the crawler's, already bounded by its `maxTextChars`). */
  text?: string;
  /** Absolute, normalised, de-duplicated links in document order; bounded here (`boundLinks`). */
  links?: readonly string[];
}

/**
 * The links a page keeps: the first {@link MAX_STORED_LINKS} of those no longer than {@link MAX_STORED_LINK_LENGTH}
 * characters, in their order. Normalised URLs never contain a line break, so one per line is a safe encoding.
 */
export function boundLinks(links: readonly string[]): string[] {
  const kept: string[] = [];
  for (const link of links) {
    if (kept.length === MAX_STORED_LINKS) break;
    if (link.length <= MAX_STORED_LINK_LENGTH && !link.includes('\n')) kept.push(link);
  }
  return kept;
}

/**
 * The content a crawl stores for its readers (`store: ["text", "links"]`): one hash per kind and crawl
 * (`result:{b:NN}:page-texts:<id>`, `result:{b:NN}:page-links:<id>`, url → value, result TTL renewed by each
 * write), so one HMGET reads a batch of pages and the crawl's keys stay in its slot. Unlike the `tmp` text handed
 * to the analyze job (`PageTexts`), these stay as long as the crawl's results.
 */
export class PageContents {
  constructor(private readonly context: StateContext) {}

  /** Keeps the given parts of a page's content (nothing when `content` has neither); a retry rewrites the same. */
  async putContent(id: string, url: string, content: PageContent): Promise<void> {
    if (content.text === undefined && content.links === undefined) return;
    const { keys, resultTtlMs } = this.context;
    await this.context.commands.putContent({
      keys: [
        { key: keys.pageTexts(id), ttl: resultTtlMs },
        { key: keys.pageLinks(id), ttl: resultTtlMs },
      ],
      args: [
        url,
        content.text === undefined ? '0' : '1',
        content.text ?? '',
        content.links === undefined ? '0' : '1',
        boundLinks(content.links ?? []).join('\n'),
      ],
    });
  }

  /**
   * Copies of `pages` with their stored contents attached (`include`), in runs whose stored values total at most
   * `maxBytes` (sized first with HSTRLEN; a page whose contents alone exceed it is a run of its own): a reader that
   * streams pages out holds one run at a time, however large the pages' texts are (up to `CRAWL_MAX_TEXT_CHARS`
   * each). `pages` themselves stay without contents, so a caller that keeps them does not keep every run's texts.
   */
  async *attachInRuns(
    id: string,
    pages: readonly PageResult[],
    include: readonly StoredContent[],
    maxBytes: number,
  ): AsyncGenerator<PageResult[]> {
    const sizes = await this.storedBytes(id, pages, include);
    let start = 0;
    while (start < pages.length) {
      let end = start + 1;
      let bytes = sizes[start]!;
      while (end < pages.length && bytes + sizes[end]! <= maxBytes) bytes += sizes[end++]!;
      const run = pages.slice(start, end).map((page) => ({ ...page }));
      await this.attachContents(id, run, include);
      yield run;
      start = end;
    }
  }

  /** Bytes of each page's stored contents of the `include` kinds (one HSTRLEN pipeline per kind); 0 when none. */
  private async storedBytes(id: string, pages: readonly PageResult[], include: readonly StoredContent[]) {
    const urls = pages.map((page) => page.url);
    const sizes = urls.map(() => 0);
    const { keys, store } = this.context;
    for (const key of [
      ...(include.includes('text') ? [keys.pageTexts(id)] : []),
      ...(include.includes('links') ? [keys.pageLinks(id)] : []),
    ]) {
      (await store.hStrLens(key, urls)).forEach((bytes, index) => (sizes[index]! += bytes));
    }
    return sizes;
  }

  /**
   * Adds `text` and/or `outLinks` (as `include` asks) to each page that has them stored, in place: one HMGET per
   * kind for the whole batch. Pages without stored content (not fetched, or before the content was written) are
   * left as they are.
   */
  async attachContents(id: string, pages: PageResult[], include: readonly StoredContent[]): Promise<void> {
    if (pages.length === 0) return;
    const urls = pages.map((page) => page.url);
    if (include.includes('text')) {
      const texts = await this.context.store.hmGet(this.context.keys.pageTexts(id), urls);
      texts.forEach((text, index) => {
        if (text !== null) pages[index]!.text = text;
      });
    }
    if (include.includes('links')) {
      const links = await this.context.store.hmGet(this.context.keys.pageLinks(id), urls);
      links.forEach((joined, index) => {
        if (joined !== null) pages[index]!.outLinks = joined === '' ? [] : joined.split('\n');
      });
    }
  }
}
