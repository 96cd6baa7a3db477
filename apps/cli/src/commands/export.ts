import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliIo, clientFor, type OutputStream } from '../cli-io.js';
import { ExportCutError } from '../errors.js';

const INCLUDE = ['analysis', 'text', 'links'] as const;

interface ExportOptions {
  format: 'csv' | 'ndjson';
  include?: string[];
}

/** `--include a,b`: the values the API takes, each once (checked here so a typo fails before any request). */
function includeList(value: string): string[] {
  const values = value.split(',').map((item) => item.trim());
  for (const item of values) {
    if (!(INCLUDE as readonly string[]).includes(item)) {
      throw new InvalidArgumentError(`expected a comma-separated list of ${INCLUDE.join(', ')}`);
    }
  }
  if (new Set(values).size !== values.length) throw new InvalidArgumentError('a value is given twice');
  return values;
}

/** Resolves once `stream` takes more (`drain`), or when it closes or fails (stdout piped to a closed `head`). */
function drained(stream: OutputStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/**
 * `kumo export <id> --format csv|ndjson [--include analysis,text,links]`: the crawl's pages as a file on stdout,
 * copied as it arrives (never the whole body in memory), waiting for stdout to drain. A crawl still running exports
 * what exists so far (a note on stderr says so). A connection cut mid-way is an error (exit 2): the file is partial.
 */
export function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description("write a crawl's page results to stdout as CSV or NDJSON (kumo export <id> --format csv > pages.csv)")
    .argument('<id>', 'crawl id')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'ndjson']).default('ndjson'))
    .option(
      '--include <list>',
      `also export: ${INCLUDE.join(', ')} (text and links need a crawl with store)`,
      includeList,
    )
    .action(async (id: string, options: ExportOptions, command: Command) => {
      const client = clientFor(command, io);
      const { body, crawlStatus } = await client.exportPages(id, {
        format: options.format,
        ...(options.include ? { include: options.include } : {}),
        signal: io.signal,
      });
      if (crawlStatus === 'queued' || crawlStatus === 'running') {
        io.stderr.write(`note: crawl ${id} is ${crawlStatus}; the export holds the pages recorded so far\n`);
      }
      try {
        for await (const chunk of body) {
          if (!io.stdout.write(chunk)) await drained(io.stdout);
        }
      } catch (error) {
        if (io.signal?.aborted) throw error;
        throw new ExportCutError(`the export of crawl ${id} was cut short; the output is incomplete`, {
          cause: error,
        });
      }
    });
}
