import {
  CRAWL_REQUEST_LIMITS,
  type CrawlCounts,
  type CrawlRequestInput,
  type CrawlScope,
  analysisEventSchema,
  crawlCountsSchema,
  crawlScopeSchema,
  doneEventSchema,
  pageResultSchema,
  STORED_CONTENT,
  type StoredContent,
} from '@kumo/contract';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { CliUsageError, CrawlNotCompletedError } from '../errors.js';
import { formatCounts, formatKeywordTable, formatTruncation } from '../format.js';
import { httpUrl, integerIn } from '../option-parsers.js';
import { type ProgressView, createProgressView } from '../progress.js';
import type { SseEvent } from '../sse-parser.js';

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

/** The options of `kumo crawl` as commander parses them. */
export interface CrawlOptions {
  depth?: number;
  maxPages?: number;
  scope?: CrawlScope;
  /** `--no-analyze` sets it false. Default true. */
  analyze: boolean;
  /** `--store text,links`: what the crawl keeps of each page for `kumo export --include`. */
  store?: StoredContent[];
  json?: boolean;
  idempotencyKey?: string;
  /** Keywords shown in the table. Default 20. */
  top: number;
  /** `--sitemap <url>`, repeatable: sitemap sources (a site root reads robots.txt's `Sitemap:` lines). */
  sitemap?: string[];
  /** `--feed <url>`, repeatable: RSS or Atom feed sources. */
  feed?: string[];
}

/** Collects a repeatable option's values (`--feed a --feed b`), each an absolute http(s) URL. */
function collectUrl(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), httpUrl(value)];
}

/**
 * The request body for `kumo crawl`: only what the user set, so the API's defaults (CONTRACT.md) apply to the
 * rest, and the same command line sends the same body (what an idempotency key compares).
 */
export function toCrawlRequest(urls: readonly string[], options: CrawlOptions): CrawlRequestInput {
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

export function crawlCommand(io: CliIo): Command {
  return new Command('crawl')
    .description('start a crawl, follow its progress live, and print the top keywords when it is done')
    .argument('[url...]', 'seed URLs (absolute http/https); optional with --sitemap or --feed')
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
    )
    .option('--json', 'print the report as JSON instead of a table (progress goes to stderr)')
    .option('--idempotency-key <key>', 'makes a retried submission safe: the same key and body return the same crawl')
    .option('--top <n>', 'keywords shown in the table', integerIn(1, 100), 20)
    .action(async (urls: string[], options: CrawlOptions, command: Command) => {
      const client = clientFor(command, io);
      const body = toCrawlRequest(urls, options);
      const created = await client.createCrawl(body, { idempotencyKey: options.idempotencyKey });
      // With --json stdout carries only the report; everything for humans goes to stderr.
      const info = options.json ? io.stderr : io.stdout;
      info.write(`crawl ${created.id} ${created.status}\n`);
      const done = await followCrawl(client, created.id, io, info);
      await printOutcome(client, created.id, done, options, io);
    });
}

/** Follows the crawl's events with a progress view until `done`; returns the final status and counts. */
async function followCrawl(client: ApiClient, id: string, io: CliIo, info: CliIo['stdout']): Promise<CrawlOutcome> {
  const view = createProgressView({ stream: info, live: Boolean(io.stdout.isTTY) && Boolean(info.isTTY) });
  try {
    for await (const event of client.events(id, {
      ...(io.signal ? { signal: io.signal } : {}),
      onReconnect: ({ attempt, lastEventId }) =>
        view.note(`event stream dropped; reconnecting (attempt ${attempt}, after event ${lastEventId || 'none'})`),
    })) {
      const done = handleEvent(event, view);
      if (done) return done;
    }
  } catch (error) {
    if (io.signal?.aborted) {
      view.stop();
      io.stderr.write(`stopped following crawl ${id}; it keeps running (kumo status ${id}, kumo cancel ${id})\n`);
    }
    throw error;
  } finally {
    view.stop();
  }
  // followEvents ends only after `done`, so this is not reached; reading the crawl is the safe answer anyway.
  return { status: 'unknown' };
}

/** How the crawl ended, from its `done` event; `unknown` when that event could not be read. */
export interface CrawlOutcome {
  status: string;
  counts?: CrawlCounts;
  truncated?: boolean;
}

/** Feeds one event to the view; returns the data of `done`. Malformed event data is shown, not fatal. */
export function handleEvent(event: SseEvent, view: ProgressView): CrawlOutcome | undefined {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    view.note(`ignored a ${event.type} event whose data is not JSON`);
    return undefined;
  }
  switch (event.type) {
    case 'page': {
      const page = pageResultSchema.safeParse(data);
      if (page.success) view.page(page.data);
      else view.note(`ignored a page event outside the contract`);
      return undefined;
    }
    case 'analysis': {
      const analysis = analysisEventSchema.safeParse(data);
      if (analysis.success) view.analysis(analysis.data);
      else view.note(`ignored an analysis event outside the contract`);
      return undefined;
    }
    case 'progress': {
      const counts = crawlCountsSchema.safeParse(data);
      if (counts.success) view.progress(counts.data);
      return undefined;
    }
    case 'done': {
      const done = doneEventSchema.safeParse(data);
      if (!done.success) {
        view.note('the done event is outside the contract; reading the crawl instead');
        return { status: 'unknown' };
      }
      view.progress(done.data.counts);
      return done.data;
    }
    default:
      return undefined;
  }
}

async function printOutcome(
  client: ApiClient,
  id: string,
  done: CrawlOutcome,
  options: CrawlOptions,
  io: CliIo,
): Promise<void> {
  const crawl = done.status === 'unknown' || !done.counts ? await client.getCrawl(id) : undefined;
  const status = crawl?.status ?? done.status;
  const counts = crawl?.counts ?? done.counts;
  // Said only when it happened, like `dropped`.
  const truncated =
    (crawl?.truncated ?? done.truncated)
      ? `  (truncated: ${formatTruncation(counts, crawl?.request.maxPages ?? options.maxPages)})`
      : '';
  const info = options.json ? io.stderr : io.stdout;
  info.write(`crawl ${id} ${status}: ${counts ? formatCounts(counts) : ''}${truncated}\n`);
  if (status !== 'completed') throw new CrawlNotCompletedError(id, status);
  if (!options.analyze) {
    if (options.json) writeJson(io.stdout, crawl ?? (await client.getCrawl(id)));
    return;
  }
  const report = await client.getReport(id);
  if (options.json) writeJson(io.stdout, report);
  else
    writeLines(io.stdout, [
      '',
      `top keywords of ${report.pages.fetched} page(s):`,
      ...formatKeywordTable(report.keywords, options.top),
    ]);
}
