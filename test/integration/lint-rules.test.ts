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

describe('lint rules that keep the architecture', () => {
  it.each([
    ['packages/crawler/src/probe.ts', importIoredis, 'no-restricted-imports'],
    ['apps/api/src/probe.ts', importIoredis, 'no-restricted-imports'],
    ['packages/crawl-state/src/probe.ts', importIoredis, 'no-restricted-imports'],
    ['apps/api/src/probe.ts', readEnv, 'no-restricted-properties'],
  ])('%s is refused: %s', (filePath, source, rule) => {
    const messages = lintAs(filePath, source);
    expect(messages.map((message) => message.ruleId)).toContain(rule);
  });

  it.each([
    ['packages/keyspace/src/probe.ts', importIoredis],
    ['packages/queues/src/connection.ts', importIoredis],
    ['packages/config/src/probe.ts', readEnv],
  ])('%s is allowed', (filePath, source) => {
    const messages = lintAs(filePath, source).filter((message) => message.ruleId?.startsWith('no-restricted'));
    expect(messages).toEqual([]);
  });
});
