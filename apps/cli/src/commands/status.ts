import { Command } from 'commander';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { formatCrawl } from '../format.js';

export function statusCommand(io: CliIo): Command {
  return new Command('status')
    .description("show a crawl's status, request and counts")
    .argument('<id>', 'crawl id')
    .option('--json', 'print the crawl as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const crawl = await clientFor(command, io).getCrawl(id);
      if (options.json) writeJson(io.stdout, crawl);
      else writeLines(io.stdout, formatCrawl(crawl));
    });
}
