import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, writeLocalRuntime } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCommand, runKumo } from '../helpers/cli-run.js';
import { uniquePrefix } from '../helpers/env.js';

const redisUrl = inject('redisUrl');
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', REDIS_URL: redisUrl };

/** A raw redis-cli call, as an operator (or a bug) would write a key: nothing of kumo's in between. */
async function redisCli(...args: string[]) {
  const result = await runCommand('redis-cli', ['-u', redisUrl, ...args], { env: baseEnv });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

async function deletePrefix(prefix: string) {
  const keys = (await redisCli('--scan', '--pattern', `${prefix}:*`)).split('\n').filter(Boolean);
  if (keys.length > 0) await redisCli('DEL', ...keys);
}

describe('kumo keys audit', () => {
  const prefixes: string[] = [];
  const fresh = () => {
    const prefix = uniquePrefix('audit');
    prefixes.push(prefix);
    return prefix;
  };
  const audit = (prefix: string, args: string[] = []) =>
    runKumo(['keys', 'audit', ...args], { ...baseEnv, KUMO_PREFIX: prefix });

  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(prefix);
  });

  let clean: string;
  beforeAll(() => {
    clean = fresh();
  });

  it('exits 0 on a clean prefix and prints the table', async () => {
    const result = await audit(clean);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Keys under ${clean}:`);
    expect(result.stderr).toBe('');
  });

  it('exits 0 when every kumo key has a TTL and a known purpose', async () => {
    const prefix = fresh();
    await redisCli('SET', `${prefix}:cache:analysis:abc`, 'x', 'EX', '600');
    await redisCli('SET', `${prefix}:lock:{b:01}:progress:c1`, 'x', 'PX', '600000');
    const result = await audit(prefix);
    expect(result.code, result.stderr).toBe(0);
  });

  it.each([
    [
      'a key without TTL',
      (prefix: string) => ['SET', `${prefix}:cache:planted`, 'x'],
      (prefix: string) => `${prefix}:cache:planted`,
    ],
    [
      'a key of an unknown purpose',
      (prefix: string) => ['SET', `${prefix}:bogus:thing`, 'x', 'EX', '600'],
      (prefix: string) => `${prefix}:bogus:thing`,
    ],
  ])('exits 1 on %s, naming it', async (_label, command, key) => {
    const prefix = fresh();
    await redisCli(...command(prefix));
    const result = await audit(prefix);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`  ${key(prefix)}`);
    expect(result.stderr).toMatch(/^error KUMO_CLI_KEYS_AUDIT_FAILED: /);
  });

  it('--json prints the audit as JSON and keeps the exit code', async () => {
    const prefix = fresh();
    await redisCli('SET', `${prefix}:cache:planted`, 'x');
    const result = await audit(prefix, ['--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      prefix: string;
      purposes: { purpose: string; withoutTtl: { count: number; keys: string[] } }[];
    };
    expect(report.prefix).toBe(prefix);
    expect(report.purposes.find((purpose) => purpose.purpose === 'cache')?.withoutTtl).toEqual({
      count: 1,
      keys: [`${prefix}:cache:planted`],
    });
  });

  it('--prefix overrides KUMO_PREFIX', async () => {
    const planted = fresh();
    await redisCli('SET', `${planted}:cache:planted`, 'x');
    const result = await runKumo(['keys', 'audit', '--prefix', planted], { ...baseEnv, KUMO_PREFIX: clean });
    expect(result.code).toBe(1);
  });

  it('exits 2 when Redis does not answer', async () => {
    const port = await freePort();
    const result = await runKumo(['keys', 'audit'], {
      ...baseEnv,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      KUMO_PREFIX: clean,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error KUMO_CLI_REDIS_UNREACHABLE: cannot reach Redis: .*ECONNREFUSED/);
  });

  it.each([
    ['an invalid REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    ['an invalid KUMO_PREFIX', { KUMO_PREFIX: 'has space' }, 'KUMO_PREFIX'],
  ])('exits 1 on %s, naming the variable', async (_label, env, name) => {
    const result = await runKumo(['keys', 'audit'], { ...baseEnv, KUMO_PREFIX: clean, ...env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error KUMO_CONFIG_INVALID: .*\\n {2}${name}: `, 's'));
  });
});

describe('kumo keys audit finds the Redis that npm start runs (#20)', () => {
  it('reads <KUMO_DATA_DIR>/runtime.json when no Redis is configured, and says which Redis it audits', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-audit-runtime-'));
    try {
      const prefix = uniquePrefix('auditrt');
      const env = { PATH: baseEnv.PATH, HOME: baseEnv.HOME, KUMO_DATA_DIR: dataDir };
      const none = await runKumo(['keys', 'audit'], env);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^error KUMO_CLI_REDIS_UNREACHABLE: no Redis to audit: .*npm start/);
      // What a running launcher writes (this test process plays the launcher: its pid is alive).
      writeLocalRuntime(dataDir, { pid: process.pid, redisUrl, prefix });
      const found = await runKumo(['keys', 'audit'], env);
      expect(found.code, found.stderr).toBe(0);
      expect(found.stdout).toContain(`Keys under ${prefix}:`);
      expect(found.stderr).toContain(`auditing the Redis of the running npm start (`);
      expect(found.stderr).toContain(path.join(dataDir, 'runtime.json'));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
