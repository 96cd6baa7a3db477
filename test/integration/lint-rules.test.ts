import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Lints `source` as if it were the file at `filePath` (nothing is written to disk). */
function lintAs(filePath: string, source: string) {
  const result = spawnSync('npx', ['eslint', '--stdin', '--stdin-filename', filePath, '--format', 'json'], {
    cwd: root,
    input: source,
    encoding: 'utf8',
  });
  const [report] = JSON.parse(result.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return report?.messages ?? [];
}

const importIoredis = "import { Redis } from 'ioredis';\nexport const client = new Redis();\n";
const readEnv = 'export const port = process.env.API_PORT;\n';
const throwUncoded = "export function check(ok: boolean): void {\n  if (!ok) throw new Error('not ok');\n}\n";
const throwTypeError = "export function check(ok: boolean): void {\n  if (!ok) throw new TypeError('not ok');\n}\n";
const throwCoded =
  "import { defineError } from '@kumo/errors';\n\nclass NotOk extends defineError('KUMO_PROBE_NOT_OK', 'permanent') {}\n\n" +
  "export function check(ok: boolean): void {\n  if (!ok) throw new NotOk('not ok');\n}\n";

describe('lint rules that keep the architecture', () => {
  it.each([
    ['packages/crawler/src/probe.ts', importIoredis, 'no-restricted-imports'],
    ['apps/api/src/probe.ts', importIoredis, 'no-restricted-imports'],
    ['packages/crawl-state/src/probe.ts', importIoredis, 'no-restricted-imports'],
    ['apps/api/src/probe.ts', readEnv, 'no-restricted-properties'],
    ['packages/crawler/src/probe.ts', throwUncoded, 'no-restricted-syntax'],
    ['apps/api/src/routes/probe.ts', throwTypeError, 'no-restricted-syntax'],
  ])('%s is refused: %s', (filePath, source, rule) => {
    const messages = lintAs(filePath, source);
    expect(messages.map((message) => message.ruleId)).toContain(rule);
  });

  it.each([
    ['packages/keyspace/src/probe.ts', importIoredis],
    ['packages/queues/src/connection.ts', importIoredis],
    ['packages/config/src/probe.ts', readEnv],
    ['packages/crawler/src/probe.ts', throwCoded],
    ['packages/crawler/src/probe.test.ts', throwUncoded],
    ['packages/crawler/src/__fixtures__/probe.ts', throwUncoded],
    ['test/helpers/probe.ts', throwUncoded],
  ])('%s is allowed', (filePath, source) => {
    const messages = lintAs(filePath, source).filter((message) => message.ruleId?.startsWith('no-restricted'));
    expect(messages).toEqual([]);
  });
});
