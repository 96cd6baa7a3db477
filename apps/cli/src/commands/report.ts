import { Command } from 'commander';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { formatKeywordTable } from '../format.js';
import { integerIn } from '../option-parsers.js';

export function reportCommand(io: CliIo): Command {
  return new Command('report')
    .description("print a completed crawl's top keywords (or its whole report as JSON)")
    .argument('<id>', 'crawl id')
    .option('--json', 'print the whole report as JSON')
    .option('--top <n>', 'keywords shown in the table', integerIn(1, 100), 20)
    .action(async (id: string, options: { json?: boolean; top: number }, command: Command) => {
      const report = await clientFor(command, io).getReport(id);
      if (options.json) writeJson(io.stdout, report);
      else
        writeLines(io.stdout, [
          `top keywords of crawl ${report.id} (${report.pages.fetched} page(s) fetched, ${report.pages.failed} failed):`,
          ...formatKeywordTable(report.keywords, options.top),
        ]);
    });
}
