import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = path.join(root, '.dependency-cruiser.cjs');
const made: string[] = [];
const run = promisify(execFile);

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the repository's dependency-cruiser config over a throw-away tree laid out like the repository (`files`, paths
 * relative to it; the real node_modules linked in) and returns its violations as `<rule>: <from module>`.
 */
async function violationsOf(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-deps-'));
  made.push(dir);
  for (const top of ['packages', 'apps']) mkdirSync(path.join(dir, top));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(root, 'tsconfig.json') }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const cli = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const args = [cli, 'packages', 'apps', '--config', config, '--output-type', 'json'];
  // Exit code 1 with violations: the report is on stdout either way.
  const { stdout } = await run(process.execPath, args, { cwd: dir, encoding: 'utf8' }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const report = JSON.parse(stdout) as { summary: { violations: { from: string; rule: { name: string } }[] } };
  return report.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from}`);
}

/** One tree breaking every rule once, each in its own files. */
const violating: Record<string, string> = {
  'packages/crawler/src/redis.ts': "import { Redis } from 'ioredis';\nexport const r = Redis;\n",
  'packages/analyzer/src/probe.ts': "export { queue } from './helper.js';\n",
  'packages/analyzer/src/helper.ts': "import { Queue } from 'bullmq';\nexport const queue = Queue;\n",
  'packages/crawler/src/state.ts': "export { s } from '../../crawl-state/src/index.js';\n",
  'packages/crawl-state/src/index.ts': 'export const s = 1;\n',
  'apps/api/src/probe.ts': "export { run } from '../../../packages/analysis-jobs/src/index.js';\n",
  'packages/analysis-jobs/src/index.ts': "export { run } from '../../analyzer/src/index.js';\n",
  'packages/analyzer/src/index.ts': 'export const run = 1;\n',
  'packages/queues/src/probe.ts': "export { app } from '../../../apps/api/src/app.js';\n",
  'apps/api/src/app.ts': 'export const app = 1;\n',
  'packages/queues/src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
  'packages/queues/src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  'packages/contract/src/index.ts': "export { e } from '../../errors/src/index.js';\nexport const c = 1;\n",
  'packages/errors/src/index.ts': "import { c } from '../../contract/src/index.js';\nexport const e = c;\n",
};

describe('dependency rules (npm run lint:deps) refuse what docs/architecture.md forbids', () => {
  let found: string[] = [];
  beforeAll(async () => {
    found = await violationsOf(violating);
  });

  it.each([
    ['a pure package importing ioredis', 'pure-packages-no-redis', 'packages/crawler/src/redis.ts'],
    [
      'a pure package reaching bullmq through another module',
      'pure-packages-no-redis',
      'packages/analyzer/src/probe.ts',
    ],
    ['a pure package importing a Redis-backed package', 'pure-packages-no-state', 'packages/crawler/src/state.ts'],
    ['the API reaching the analyzer through another package', 'api-never-analyzer', 'apps/api/src/probe.ts'],
    ['a package importing an app', 'packages-never-apps', 'packages/queues/src/probe.ts'],
    ['an import cycle between files', 'no-circular', 'packages/queues/src/a.ts'],
    ['an import cycle between packages', 'no-circular', 'packages/contract/src/index.ts'],
  ])('%s', (_what, rule, from) => {
    expect(found).toContain(`${rule}: ${from}`);
  });

  it('allows what the architecture allows', async () => {
    const allowed = await violationsOf({
      'packages/crawl-state/src/index.ts': "export { k } from '../../keyspace/src/index.js';\n",
      'packages/keyspace/src/index.ts': "import { Redis } from 'ioredis';\nexport const k = Redis;\n",
      'packages/crawler/src/index.ts': "import { request } from 'undici';\nexport const r = request;\n",
      'apps/api/src/main.ts': "export { k } from '../../../packages/crawl-state/src/index.js';\n",
    });
    expect(allowed).toEqual([]);
  });
});
