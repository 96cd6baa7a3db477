import {
  CRAWL_REQUEST_LIMITS,
  type CrawlRequestInput,
  type CrawlScope,
  crawlScopeSchema,
  STORED_CONTENT,
  type StoredContent,
} from '@kumo/contract';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliUsageError } from './errors.js';
import { httpUrl, integerIn } from './option-parsers.js';

// The options that make a `POST /v1/crawls` body, shared by `kumo crawl` and `kumo schedules create` (whose `crawl`
// is the same body), so both spell, check and send them the same way.

/** `--store text,links`: each value of the contract's `store` at most once (checked before any request). */
function storeList(value: string): StoredContent[] {
  const values = value.split(',').map((item) => item.trim());
  if (
    !values.every((item) => (STORED_CONTENT as readonly string[]).includes(item)) ||
    new Set(values).size !== values.length
  ) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${STORED_CONTENT.join(', ')}, each once`);
  }
  return values as StoredContent[];
}

/** Collects a repeatable option's values (`--feed a --feed b`), each an absolute http(s) URL. */
function collectUrl(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), httpUrl(value)];
}

/** The crawl request options as commander parses them. */
export interface CrawlRequestOptions {
  depth?: number;
  maxPages?: number;
  scope?: CrawlScope;
  /** `--no-analyze` sets it false. Default true. */
  analyze: boolean;
  /** `--store text,links`: what the crawl keeps of each page for `kumo export --include`. */
  store?: StoredContent[];
  /** `--sitemap <url>`, repeatable: sitemap sources (a site root reads robots.txt's `Sitemap:` lines). */
  sitemap?: string[];
  /** `--feed <url>`, repeatable: RSS or Atom feed sources. */
  feed?: string[];
}

/** Declares the crawl request options (`--sitemap`, `--feed`, `--depth`, `--max-pages`, …) on `command`. */
export function withCrawlRequestOptions(command: Command): Command {
  return command
    .option('--sitemap <url>', 'a sitemap whose pages are seeds (repeatable; a site root reads robots.txt)', collectUrl)
    .option('--feed <url>', 'an RSS or Atom feed whose entries are seeds (repeatable)', collectUrl)
    .option(
      '-d, --depth <n>',
      'link depth to follow; seeds are depth 0 (API default 1)',
      integerIn(0, CRAWL_REQUEST_LIMITS.maxDepth),
    )
    .option(
      '-m, --max-pages <n>',
      'hard cap on pages fetched (API default 100)',
      integerIn(1, CRAWL_REQUEST_LIMITS.maxPages),
    )
    .addOption(
      new Option('-s, --scope <scope>', 'which links to follow (API default same-host)').choices(
        crawlScopeSchema.options,
      ),
    )
    .option('--no-analyze', 'fetch only: no language analysis, no report')
    .option(
      '--store <list>',
      `keep each page's ${STORED_CONTENT.join(' and/or ')} (for kumo export --include)`,
      storeList,
    );
}

/**
 * The crawl request body from the seed URLs and the options: only what the user set, so the API's defaults
 * (CONTRACT.md) apply to the rest, and the same command line sends the same body (what an idempotency key compares).
 */
export function toCrawlRequest(urls: readonly string[], options: CrawlRequestOptions): CrawlRequestInput {
  const sources = [
    ...(options.sitemap ?? []).map((url) => ({ type: 'sitemap' as const, url })),
    ...(options.feed ?? []).map((url) => ({ type: 'feed' as const, url })),
  ];
  if (urls.length + sources.length === 0) {
    throw new CliUsageError("missing required argument 'url' (or give --sitemap or --feed)");
  }
  const total = urls.length + sources.length;
  if (total > CRAWL_REQUEST_LIMITS.maxUrls)
    throw new CliUsageError(`at most ${CRAWL_REQUEST_LIMITS.maxUrls} URLs and sources per crawl (got ${total})`);
  for (const url of urls) {
    try {
      httpUrl(url);
    } catch {
      throw new CliUsageError(`not an absolute http(s) URL: ${url}`);
    }
  }
  return {
    ...(urls.length === 0 && sources.length > 0 ? {} : { urls: [...urls] }),
    ...(sources.length === 0 ? {} : { sources }),
    ...(options.depth === undefined ? {} : { maxDepth: options.depth }),
    ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.analyze ? {} : { analyze: false }),
    ...(options.store === undefined ? {} : { store: options.store }),
  };
}
