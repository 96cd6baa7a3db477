import type { PageResult, StoredContent } from '@kumo/contract';
import type { CrawlStore } from '@kumo/crawl-state';

export interface PageBatchesOptions {
  /** Pages per read (one XRANGE walk, one HMGET per lookup). */
  batch: number;
  /** Attach each page's `analysis`. */
  analyses: boolean;
  /** Stored contents to attach (`text`, `links`). */
  contents: readonly StoredContent[];
}

/**
 * A crawl's pages in production order, one batch at a time, through the pages cursor (`PageReader.readPages`): the
 * caller holds at most one batch, and the next is read only when it asks, so a slow reader slows the reads down
 * instead of piling pages up. Ends at the last page recorded when the walk reaches it (a running crawl may add more).
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
    if (items.length > 0) {
      await crawls.contents.attachContents(id, items, options.contents);
      yield items;
    }
    if (nextCursor === null || items.length === 0) return;
    cursor = nextCursor;
  }
}
