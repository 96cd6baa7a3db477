import { Command } from 'commander';
import { type CliIo, clientFor, writeJson } from '../cli-io.js';

export function cancelCommand(io: CliIo): Command {
  return new Command('cancel')
    .description('cancel a crawl: no new fetch starts, it ends cancelled')
    .argument('<id>', 'crawl id')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const answer = await clientFor(command, io).cancelCrawl(id);
      if (options.json) writeJson(io.stdout, answer);
      else io.stdout.write(`crawl ${answer.id} ${answer.status}\n`);
    });
}
