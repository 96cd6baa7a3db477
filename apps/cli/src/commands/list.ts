import { crawlStatusSchema, type Crawl, type CrawlStatus } from '@kumo/contract';
import { Command, InvalidArgumentError } from 'commander';
import { type CliIo, clientFor, writeLines } from '../cli-io.js';
import { formatSeeds, formatTable, formatTime } from '../format.js';
import { integerIn } from '../option-parsers.js';

interface ListOptions {
  status?: CrawlStatus[];
  schedule?: string;
  limit: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

const STATUSES: readonly string[] = crawlStatusSchema.options;

/** `--status running,queued`: known statuses only, so a typo fails before any request. */
function statusList(value: string): CrawlStatus[] {
  const statuses = value.split(',').map((status) => status.trim());
  const unknown = statuses.filter((status) => !STATUSES.includes(status));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown status ${unknown.join(', ') || '(empty)'}; one of ${STATUSES.join(', ')}`);
  }
  return statuses as CrawlStatus[];
}

/** Crawls as a table: id, status, created, fetched, failed, seeds. */
export function formatCrawlTable(crawls: readonly Crawl[]): string[] {
  if (crawls.length === 0) return ['(no crawls)'];
  return formatTable(
    [
      { header: 'id' },
      { header: 'status' },
      { header: 'created (UTC)' },
      { header: 'fetched', align: 'right' },
      { header: 'failed', align: 'right' },
      { header: 'urls' },
    ],
    crawls.map((crawl) => [
      crawl.id,
      crawl.status,
      formatTime(crawl.createdAt),
      String(crawl.counts.fetched),
      String(crawl.counts.failed),
      formatSeeds(crawl.request),
    ]),
  );
}

/** `kumo list`: the crawls of the API key, newest first. */
export function listCommand(io: CliIo): Command {
  return new Command('list')
    .description("list your API key's crawls, newest first")
    .option('--status <s1,s2>', `only these statuses (${STATUSES.join(', ')})`, statusList)
    .option('--schedule <id>', 'only the runs of this schedule')
    .option('--limit <n>', 'crawls per request (1-100)', integerIn(1, 100), 20)
    .option('--cursor <cursor>', 'continue after this cursor (printed by an earlier call)')
    .option('--all', 'page through every crawl with the cursor')
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (options: ListOptions, command: Command) => {
      const client = clientFor(command, io);
      let cursor = options.cursor;
      const crawls: Crawl[] = [];
      do {
        const page = await client.listCrawls({
          statuses: options.status,
          scheduleId: options.schedule,
          cursor,
          limit: options.limit,
        });
        if (options.json) for (const crawl of page.items) io.stdout.write(`${JSON.stringify(crawl)}\n`);
        else crawls.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (options.all && cursor);
      if (!options.json) writeLines(io.stdout, formatCrawlTable(crawls));
      // The hint goes to stderr so that stdout stays a clean list.
      if (cursor) io.stderr.write(`more: kumo list --cursor ${cursor}${filterFlags(options)}  (or --all)\n`);
    });
}

/** The filters of this call, as flags for the next page's command. */
function filterFlags(options: ListOptions): string {
  const status = options.status ? ` --status ${options.status.join(',')}` : '';
  return options.schedule ? `${status} --schedule ${options.schedule}` : status;
}
