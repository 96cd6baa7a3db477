import { runCli } from '../program.js';
import { captureIo } from './capture-io.js';
import type { FakeApi } from './fake-api.js';

/** Runs `kumo <args>` against `api` with key `key-1` (plus `env`), capturing what it prints and its exit code. */
export async function runAgainst(api: FakeApi, args: string[], env: Record<string, string> = {}, tty = false) {
  const { io, stdout, stderr } = captureIo({ KUMO_API_URL: api.url, KUMO_API_KEY: 'key-1', ...env }, { tty });
  const code = await runCli(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
