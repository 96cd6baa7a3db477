#!/usr/bin/env node
import { processEnv } from './cli-env.js';
import { runCli } from './program.js';

// Ctrl-C while following a crawl stops following (the crawl keeps running); a second Ctrl-C exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: processEnv(),
  signal: interrupt.signal,
});
// Exit once both streams have flushed (a pipe is asynchronous on some platforms): nothing is left to do, and an idle
// keep-alive socket or a Redis reconnection timer must not hold the prompt.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
