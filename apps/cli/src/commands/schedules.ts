import type { Schedule, ScheduleRequestInput } from '@kumo/contract';
import { Command, Option } from 'commander';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { type CrawlRequestOptions, toCrawlRequest, withCrawlRequestOptions } from '../crawl-request-options.js';
import { CliUsageError } from '../errors.js';
import { formatRequestLimits, formatSeedList, formatSeeds, formatTable, formatTime } from '../format.js';
import { integerIn } from '../option-parsers.js';

/** When a schedule runs: `cron 0 9 * * 1` or `every PT1H` (the time zone is shown apart). */
export function formatCadence(schedule: Pick<Schedule, 'cron' | 'every'>): string {
  return schedule.cron !== undefined ? `cron ${schedule.cron}` : `every ${schedule.every ?? '?'}`;
}

/** Schedules as a table: id, cadence, time zone, next run, last crawl, created, seeds. */
export function formatScheduleTable(schedules: readonly Schedule[]): string[] {
  if (schedules.length === 0) return ['(no schedules)'];
  return formatTable(
    [
      { header: 'id' },
      { header: 'runs' },
      { header: 'timezone' },
      { header: 'next run (UTC)' },
      { header: 'last crawl' },
      { header: 'created (UTC)' },
      { header: 'urls' },
    ],
    schedules.map((schedule) => [
      schedule.id,
      formatCadence(schedule),
      schedule.timezone,
      formatTime(schedule.nextRunAt),
      // Absent until the first run has created its crawl.
      schedule.lastCrawlId ?? '-',
      formatTime(schedule.createdAt),
      formatSeeds(schedule.crawl),
    ]),
  );
}

/** A schedule as `name: value` lines, for `kumo schedules create` and `show`. */
export function formatSchedule(schedule: Schedule): string[] {
  return [
    `id:         ${schedule.id}`,
    `runs:       ${formatCadence(schedule)}  (${schedule.timezone})`,
    `next run:   ${formatTime(schedule.nextRunAt)} UTC`,
    `last crawl: ${schedule.lastCrawlId ?? '-'}`,
    `urls:       ${formatSeedList(schedule.crawl)}`,
    `request:    ${formatRequestLimits(schedule.crawl)}`,
    `created:    ${schedule.createdAt}`,
  ];
}

interface ListOptions {
  limit: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

/** `kumo schedules [list]`: the API key's schedules, newest first, paged like `kumo list`. */
function listSchedulesCommand(io: CliIo): Command {
  return new Command('list')
    .description("list your API key's schedules, newest first (the default)")
    .option('--limit <n>', 'schedules per request (1-100)', integerIn(1, 100), 20)
    .option('--cursor <cursor>', 'continue after this cursor (printed by an earlier call)')
    .option('--all', 'page through every schedule with the cursor')
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (options: ListOptions, command: Command) => {
      const client = clientFor(command, io);
      let cursor = options.cursor;
      const schedules: Schedule[] = [];
      do {
        const page = await client.listSchedules({ cursor, limit: options.limit });
        if (options.json) for (const schedule of page.items) io.stdout.write(`${JSON.stringify(schedule)}\n`);
        else schedules.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (options.all && cursor);
      if (!options.json) writeLines(io.stdout, formatScheduleTable(schedules));
      // The hint goes to stderr so that stdout stays a clean list.
      if (cursor) io.stderr.write(`more: kumo schedules --cursor ${cursor}  (or --all)\n`);
    });
}

/** The options of `kumo schedules create`: when, and the crawl request. */
export interface CreateScheduleOptions extends CrawlRequestOptions {
  cron?: string;
  every?: string;
  timezone?: string;
  json?: boolean;
}

/**
 * The `POST /v1/schedules` body: the crawl request exactly as `kumo crawl` builds it, and `cron` or `every`
 * (exactly one, checked here because it is the shape of the command line). What they must mean (a valid pattern, a
 * duration of at least the deployment's minimum, a known time zone) only the API knows: its field errors are shown.
 */
export function toScheduleRequest(urls: readonly string[], options: CreateScheduleOptions): ScheduleRequestInput {
  if (options.cron === undefined && options.every === undefined) {
    throw new CliUsageError('give when it runs: --cron <pattern> or --every <ISO 8601 duration>');
  }
  return {
    crawl: toCrawlRequest(urls, options),
    ...(options.cron === undefined ? {} : { cron: options.cron }),
    ...(options.every === undefined ? {} : { every: options.every }),
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
  };
}

/** `kumo schedules create`: a recurring crawl; every run is an ordinary crawl (`kumo list` shows them). */
function createScheduleCommand(io: CliIo): Command {
  return withCrawlRequestOptions(
    new Command('create')
      .description('create a schedule: the crawl given by the URLs and options, run on a cron pattern or interval')
      .argument('[url...]', 'seed URLs (absolute http/https); optional with --sitemap or --feed')
      .addOption(
        new Option(
          '--cron <pattern>',
          '5-field cron pattern (minute hour day month weekday), e.g. "0 6 * * *"',
        ).conflicts('every'),
      )
      .option('--every <duration>', 'ISO 8601 interval of at least PT1M, e.g. PT30M, PT6H, P1D (first run at once)')
      .option('--timezone <zone>', 'IANA time zone the cron pattern is read in, e.g. Asia/Tokyo (API default UTC)'),
  )
    .option('--json', 'print the schedule as JSON')
    .action(async (urls: string[], options: CreateScheduleOptions, command: Command) => {
      const body = toScheduleRequest(urls, options);
      const schedule = await clientFor(command, io).createSchedule(body);
      if (options.json) writeJson(io.stdout, schedule);
      else writeLines(io.stdout, [`schedule ${schedule.id} created`, ...formatSchedule(schedule)]);
    });
}

/** `kumo schedules show <id>`: one schedule — when it runs next, its latest crawl, its request. */
function showScheduleCommand(io: CliIo): Command {
  return new Command('show')
    .description('show a schedule: when it runs next, its latest crawl (kumo status <id>) and its request')
    .argument('<id>', 'schedule id')
    .option('--json', 'print the schedule as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const schedule = await clientFor(command, io).getSchedule(id);
      if (options.json) writeJson(io.stdout, schedule);
      else writeLines(io.stdout, formatSchedule(schedule));
    });
}

/** `kumo schedules delete <id>`: no run starts after it; crawls it already created stay. */
function deleteScheduleCommand(io: CliIo): Command {
  return new Command('delete')
    .description('delete a schedule: no run starts after it (its crawls stay)')
    .argument('<id>', 'schedule id')
    .action(async (id: string, _options: object, command: Command) => {
      await clientFor(command, io).deleteSchedule(id);
      writeLines(io.stdout, [`schedule ${id} deleted`]);
    });
}

/** `kumo schedules`: list (the default), show, create and delete recurring crawls. */
export function schedulesCommand(io: CliIo): Command {
  return new Command('schedules')
    .description("your API key's schedules (recurring crawls): list them, show, create or delete one")
    .addCommand(listSchedulesCommand(io), { isDefault: true })
    .addCommand(showScheduleCommand(io))
    .addCommand(createScheduleCommand(io))
    .addCommand(deleteScheduleCommand(io));
}
