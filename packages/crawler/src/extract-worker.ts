import { type ExtractedPage, type ExtractOptions, extractPage } from './extract.js';

/** One page for a parse thread: what {@link extractPage} takes. */
export interface ExtractTask {
  html: string;
  pageUrl: string;
  options: ExtractOptions;
}

/** The body of a parse thread of `PageExtractor`'s pool (tinypool calls the default export with each task). */
export default function extractTask(task: ExtractTask): ExtractedPage {
  return extractPage(task.html, task.pageUrl, task.options);
}
