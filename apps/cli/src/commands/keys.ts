import { loadConfig } from '@kumo/config';
import { type RedisClient, auditExitCode } from '@kumo/keyspace';
import { type KeyspaceAudit, auditKeyspace, createRedisConnection, formatAuditTable } from '@kumo/queues';
import { Command } from 'commander';
import { type CliIo, writeJson } from '../cli-io.js';
import { KeysAuditFailedError, RedisUnreachableError } from '../errors.js';
import { localRuntimeFor } from '../local-runtime.js';

/** How long `keys audit` waits for Redis before giving up (exit 2). */
export const REDIS_CONNECT_TIMEOUT_MS = 10_000;

interface AuditCommandOptions {
  json?: boolean;
  prefix?: string;
}

/**
 * `kumo keys audit`: SCANs every key under the prefix, directly in Redis (REDIS_URL or REDIS_CLUSTER_NODES, read
 * with @kumo/config like the services; else the Redis of a running `npm start` of this repository), and exits non-zero when a kumo key lacks a TTL or has an unknown purpose.
 * Meant for CI and for operators; it only reads.
 */
function auditCommand(io: CliIo): Command {
  return new Command('audit')
    .description('audit the Redis keys under KUMO_PREFIX: sizes per purpose, keys without TTL, unknown keys, queues')
    .option('--json', 'print the audit as JSON')
    .option('--prefix <prefix>', 'key prefix to audit (default KUMO_PREFIX, else kumo)')
    .action(async (options: AuditCommandOptions) => {
      let config = loadConfig(io.env);
      const local = localRuntimeFor(config);
      if (local) {
        // No Redis configured, but `npm start` runs here: audit its Redis (and its prefix, unless one is given).
        config = loadConfig({ ...io.env, REDIS_URL: local.redisUrl, KUMO_PREFIX: io.env.KUMO_PREFIX || local.prefix });
        io.stderr.write(
          `auditing the Redis of the running npm start (${redacted(local.redisUrl)}, from ${local.file})\n`,
        );
      }
      if (config.REDIS_URL === undefined && (config.REDIS_CLUSTER_NODES?.length ?? 0) === 0) {
        throw new RedisUnreachableError(
          'no Redis to audit: set REDIS_URL (or REDIS_CLUSTER_NODES), or start kumo with `npm start` in this ' +
            'repository (keys audit then finds its Redis)',
        );
      }
      // The `api` role fails fast instead of retrying for minutes when Redis is down.
      const client = createRedisConnection(config, { role: 'api', name: 'kumo:cli-audit' });
      client.on('error', () => {}); // reported through connected() below
      try {
        await connected(client, REDIS_CONNECT_TIMEOUT_MS);
        const audit = await auditKeyspace(client, { prefix: options.prefix ?? config.KUMO_PREFIX });
        if (options.json) writeJson(io.stdout, audit);
        else io.stdout.write(`${formatAuditTable(audit)}\n`);
        if (auditExitCode(audit) !== 0) throw new KeysAuditFailedError(describeFindings(audit));
      } finally {
        client.disconnect();
      }
    });
}

/** A Redis URL without its password. */
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

/**
 * Resolves when the connection is ready. Unlike a service, a CLI should not sit through ioredis's reconnection loop:
 * the first connection error (or the timeout) ends the wait with RedisUnreachableError.
 */
function connected(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const fail = (reason: string, cause?: unknown) => {
      cleanup();
      reject(new RedisUnreachableError(`cannot reach Redis: ${reason}`, { cause }));
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown) => fail(error instanceof Error ? error.message : String(error), error);
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      client.removeListener('ready', onReady);
      client.removeListener('error', onError);
    };
    client.once('ready', onReady);
    client.once('error', onError);
  });
}

/** One sentence of what failed the audit, for the error line. */
function describeFindings(audit: KeyspaceAudit): string {
  const withoutTtl = audit.purposes.reduce((sum, purpose) => sum + purpose.withoutTtl.count, 0);
  const parts = [];
  if (withoutTtl > 0) parts.push(`${withoutTtl} key(s) without a TTL`);
  if (audit.unknown.count > 0) parts.push(`${audit.unknown.count} key(s) with an unknown purpose`);
  return `${parts.join(' and ')} under ${audit.prefix}: (listed above)`;
}

export function keysCommand(io: CliIo): Command {
  return new Command('keys').description("inspect kumo's Redis keys").addCommand(auditCommand(io));
}
