import {
  type CrawlCounts,
  analysisEventSchema,
  crawlCountsSchema,
  doneEventSchema,
  pageResultSchema,
} from '@kumo/contract';
import { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { type CrawlRequestOptions, toCrawlRequest, withCrawlRequestOptions } from '../crawl-request-options.js';
import { CrawlNotCompletedError } from '../errors.js';
import { formatCounts, formatKeywordTable, formatTruncation } from '../format.js';
import { integerIn } from '../option-parsers.js';
import { type ProgressView, createProgressView } from '../progress.js';
import type { SseEvent } from '../sse-parser.js';

/** The options of `kumo crawl` as commander parses them: the crawl request's, and how to follow and print it. */
export interface CrawlOptions extends CrawlRequestOptions {
  json?: boolean;
  idempotencyKey?: string;
  /** Keywords shown in the table. Default 20. */
  top: number;
}

export function crawlCommand(io: CliIo): Command {
  return withCrawlRequestOptions(
    new Command('crawl')
      .description('start a crawl, follow its progress live, and print the top keywords when it is done')
      .argument('[url...]', 'seed URLs (absolute http/https); optional with --sitemap or --feed'),
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
