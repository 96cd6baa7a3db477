import { Command, CommanderError } from 'commander';
import { DEFAULT_API_URL } from './cli-env.js';
import type { CliIo } from './cli-io.js';
import { crawlCommand } from './commands/crawl.js';
import { cancelCommand } from './commands/cancel.js';
import { reportCommand, statusCommand } from './commands/crawl-by-id.js';
import { exportCommand } from './commands/export.js';
import { keysCommand } from './commands/keys.js';
import { listCommand } from './commands/list.js';
import { pagesCommand } from './commands/pages.js';
import { schedulesCommand } from './commands/schedules.js';
import { CliError, EXIT_CODES } from './errors.js';
import { formatError } from './format.js';
import { CLI_VERSION } from './version.js';

/** The `kumo` program with every command, writing to `io` (tests pass their own streams and environment). */
export function createProgram(io: CliIo): Command {
  const program = new Command('kumo')
    .description('Client of the kumo crawl-and-analysis API, and Redis key audit')
    .option('--api-url <url>', `API base URL (env KUMO_API_URL, default ${DEFAULT_API_URL})`)
    .option('--api-key <key>', 'API key (env KUMO_API_KEY)')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(kumo --help lists the commands)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  for (const command of [
    crawlCommand(io),
    listCommand(io),
    statusCommand(io),
    reportCommand(io),
    pagesCommand(io),
    exportCommand(io),
    cancelCommand(io),
    schedulesCommand(io),
    keysCommand(io),
  ]) {
    program.addCommand(command);
  }
  // Subcommands inherit neither the output nor the exit override: set them on every level.
  const configure = (command: Command, path: string) => {
    command
      .configureOutput(program.configureOutput())
      .exitOverride()
      .showHelpAfterError(`(kumo ${path} --help shows the usage)`);
    command.commands.forEach((sub) => configure(sub, `${path} ${sub.name()}`));
  };
  program.commands.forEach((command) => configure(command, command.name()));
  return program;
}

/**
 * Runs `kumo` with `args` (without `node` and the script) and returns the exit code instead of exiting: errors are
 * printed as `error KUMO_…: detail` (see errors.ts for the codes and exit statuses).
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  // Commander has already printed its own message (unknown option, --help, --version).
  if (error instanceof CommanderError) return error.exitCode;
  if (io.signal?.aborted) return 130;
  io.stderr.write(`${formatError(error).join('\n')}\n`);
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') return error.exitCode;
  return EXIT_CODES.refused;
}
