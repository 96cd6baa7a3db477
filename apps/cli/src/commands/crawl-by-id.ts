import { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliIo, clientFor, writeJson, writeLines } from '../cli-io.js';
import { formatCrawl, formatKeywordTable } from '../format.js';
import { integerIn } from '../option-parsers.js';

/** What a command that takes a crawl id does besides its name and description. */
interface ByIdCommand<Answer, Options> {
  /** Help of `--json`. */
  json: string;
  /** Options besides `--json`. */
  options?: (command: Command) => Command;
  call: (client: ApiClient, id: string) => Promise<Answer>;
  lines: (answer: Answer, options: Options) => string[];
}

/** A command that takes a crawl id, makes one API call, and prints the answer as lines, or as JSON with `--json`. */
function byIdCommand<Answer, Options = object>(
  io: CliIo,
  name: string,
  description: string,
  spec: ByIdCommand<Answer, Options>,
): Command {
  const command = new Command(name).description(description).argument('<id>', 'crawl id').option('--json', spec.json);
  return (spec.options?.(command) ?? command).action(
    async (id: string, options: Options & { json?: boolean }, self: Command) => {
      const answer = await spec.call(clientFor(self, io), id);
      if (options.json) writeJson(io.stdout, answer);
      else writeLines(io.stdout, spec.lines(answer, options));
    },
  );
}

/** `kumo status <id>`: the crawl's status, request and counts. */
export function statusCommand(io: CliIo): Command {
  return byIdCommand(io, 'status', "show a crawl's status, request and counts", {
    json: 'print the crawl as JSON',
    call: (client, id) => client.getCrawl(id),
    lines: (crawl) => formatCrawl(crawl),
  });
}

/** `kumo report <id>`: the top keywords of a completed crawl. */
export function reportCommand(io: CliIo): Command {
  return byIdCommand(io, 'report', "print a completed crawl's top keywords (or its whole report as JSON)", {
    json: 'print the whole report as JSON',
    options: (command) => command.option('--top <n>', 'keywords shown in the table', integerIn(1, 100), 20),
    call: (client, id) => client.getReport(id),
    lines: (report, options: { top: number }) => [
      `top keywords of crawl ${report.id} (${report.pages.fetched} page(s) fetched, ${report.pages.failed} failed):`,
      ...formatKeywordTable(report.keywords, options.top),
    ],
  });
}
