import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { readCliEnv } from './cli-env.js';
import { MissingApiKeyError } from './errors.js';

/** A stream the CLI writes to; `isTTY` decides between a live progress bar and plain lines. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Everything a command touches outside itself, so tests can run the program in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The environment (KUMO_API_URL, KUMO_API_KEY; REDIS_URL… for `keys audit`). */
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT: a command following events stops and says how to resume. Default: never. */
  signal?: AbortSignal;
}

/** Options every command accepts (declared on the program). */
export interface GlobalOptions {
  apiUrl?: string;
  apiKey?: string;
}

/**
 * The API client from `--api-url`/`--api-key`, else KUMO_API_URL/KUMO_API_KEY, else the local default URL. Every
 * `/v1` call needs a key: without one, `MissingApiKeyError` names both ways to give it, before anything is sent.
 */
export function clientFor(command: Command, io: CliIo): ApiClient {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const env = readCliEnv({
    ...io.env,
    ...(globals.apiUrl ? { KUMO_API_URL: globals.apiUrl } : {}),
    ...(globals.apiKey ? { KUMO_API_KEY: globals.apiKey } : {}),
  });
  if (env.KUMO_API_KEY === undefined) throw new MissingApiKeyError();
  return new ApiClient({ baseUrl: env.KUMO_API_URL, apiKey: env.KUMO_API_KEY });
}

/** Writes lines to a stream, each ending in a newline. */
export function writeLines(stream: OutputStream, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}

/** Writes a value as indented JSON. */
export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
