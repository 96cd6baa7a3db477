import type { PageResult, StoredContent } from '@kumo/contract';
import type { CrawlStore } from '@kumo/crawl-state';

export interface ExportPagesOptions {
  /**
   * Pages per cursor read (one XRANGE walk, and one HMGET and pipeline of analysis reads when `analyses`): results
   * and analyses are bounded per page (the analyzer's top terms and phrases), a few KB each.
   */
  pagesPerRead: number;
  /** Most bytes of stored contents read at once (`PageContents.attachInRuns`); a larger page is read alone. */
  contentBytes: number;
  /** Attach each page's `analysis`. */
  analyses: boolean;
  /** Stored contents to attach (`text`, `links`). */
  contents: readonly StoredContent[];
}

/**
 * A crawl's pages in production order, one at a time, through the pages cursor (`PageReader.readPages`): the caller
 * holds at most one cursor read (`pagesPerRead` results and analyses, without contents) and one run of contents (at
 * most `contentBytes`, or one page), and the next is read only when it asks, so a slow reader slows the reads down
 * instead of piling pages up. Ends at the last page recorded when the walk reaches it (a running crawl may add more).
 */
export async function* exportPages(
  crawls: Pick<CrawlStore, 'pages' | 'contents'>,
  id: string,
  options: ExportPagesOptions,
): AsyncGenerator<PageResult> {
  let cursor: string | undefined;
  for (;;) {
    const { items, nextCursor } = await crawls.pages.readPages(id, {
      limit: options.pagesPerRead,
      analyses: options.analyses,
      ...(cursor === undefined ? {} : { cursor }),
    });
    if (options.contents.length === 0) yield* items;
    else {
      for await (const run of crawls.contents.attachInRuns(id, items, options.contents, options.contentBytes)) {
        yield* run;
      }
    }
    if (nextCursor === null || items.length === 0) return;
    cursor = nextCursor;
  }
}
