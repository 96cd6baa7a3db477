import type { PageResult, StoredContent } from '@kumo/contract';
import type { CrawlStore } from '@kumo/crawl-state';

export interface PageBatchesOptions {
  /** Pages per cursor read (one XRANGE walk, and one pipeline of analysis reads when `analyses`). */
  batch: number;
  /** Pages per yielded batch, each with its stored contents attached (one HMGET per kind): at most `batch`. */
  contentBatch: number;
  /** Attach each page's `analysis`. */
  analyses: boolean;
  /** Stored contents to attach (`text`, `links`). */
  contents: readonly StoredContent[];
}

/**
 * A crawl's pages in production order, a batch at a time, through the pages cursor (`PageReader.readPages`): the
 * caller holds at most one cursor read (`batch` results) and one batch of contents (`contentBatch` texts, which may
 * be large), and the next is read only when it asks, so a slow reader slows the reads down instead of piling pages
 * up. Contents are fetched per smaller batch rather than the cursor read shrunk to it: a small cursor read would
 * read the result stream's entries around its pages again on every call. Ends at the last page recorded when the
 * walk reaches it (a running crawl may add more).
 */
export async function* pageBatches(
  crawls: Pick<CrawlStore, 'pages' | 'contents'>,
  id: string,
  options: PageBatchesOptions,
): AsyncGenerator<PageResult[]> {
  let cursor: string | undefined;
  for (;;) {
    const { items, nextCursor } = await crawls.pages.readPages(id, {
      limit: options.batch,
      analyses: options.analyses,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (let start = 0; start < items.length; start += options.contentBatch) {
      const pages = items.slice(start, start + options.contentBatch);
      await crawls.contents.attachContents(id, pages, options.contents);
      yield pages;
    }
    if (nextCursor === null || items.length === 0) return;
    cursor = nextCursor;
  }
}
