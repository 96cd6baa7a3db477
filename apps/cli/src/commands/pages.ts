import type { PageResult } from '@kumo/contract';
import { Command } from 'commander';
import { type CliIo, clientFor } from '../cli-io.js';
import { formatPageLine } from '../format.js';
import { integerIn } from '../option-parsers.js';

interface PagesOptions {
  all?: boolean;
  cursor?: string;
  limit: number;
  json?: boolean;
}

export function pagesCommand(io: CliIo): Command {
  return new Command('pages')
    .description("list a crawl's page results in the order they were produced")
    .argument('<id>', 'crawl id')
    .option('--all', 'page through every result with the cursor')
    .option('--cursor <cursor>', 'continue after this cursor (printed by an earlier call)')
    .option('--limit <n>', 'results per request (1-500)', integerIn(1, 500), 100)
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (id: string, options: PagesOptions, command: Command) => {
      const client = clientFor(command, io);
      const print = (page: PageResult) =>
        io.stdout.write(options.json ? `${JSON.stringify(page)}\n` : `${formatPageLine(page)}\n`);
      if (options.all) {
        for await (const page of client.allPages(id, {
          limit: options.limit,
          ...(options.cursor ? { cursor: options.cursor } : {}),
        }))
          print(page);
        return;
      }
      const page = await client.listPages(id, { cursor: options.cursor, limit: options.limit });
      for (const item of page.items) print(item);
      // The hint goes to stderr so that stdout stays a clean list.
      if (page.nextCursor) io.stderr.write(`more: kumo pages ${id} --cursor ${page.nextCursor}  (or --all)\n`);
    });
}
