// A plain Redis connection for the bench's own reads (INFO, CLIENT LIST, the key audit) and setup between rounds,
// from kumo's connection factory (the only place besides the key package that may create ioredis clients).
import { loadConfig } from '@kumo/config';
import { createRedisConnection } from '@kumo/queues';

/** Opens a `command` connection to `url`; the caller quits it (or registers `ctx.defer`). */
export function openRedis(url, name = 'bench') {
  return createRedisConnection(loadConfig({ REDIS_URL: url }), { role: 'command', name });
}

/** Deletes every key matching `pattern` (SCAN, never KEYS); returns how many. */
export async function deleteMatching(client, pattern) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** `INFO <section>` as an object of strings. */
export async function info(client, section) {
  const text = await client.info(section);
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

/** Connected clients by name (CLIENT LIST), e.g. `{ 'kumo:api': 2, … }`. */
export async function clientsByName(client) {
  const list = await client.client('LIST');
  const counts = {};
  for (const line of String(list).split('\n').filter(Boolean)) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] || '(unnamed)';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Calls per command so far (`INFO commandstats`), e.g. `{ evalsha: 120, hgetall: 40 }`. */
export async function commandCalls(client) {
  const stats = await info(client, 'commandstats');
  const calls = {};
  for (const [key, value] of Object.entries(stats)) {
    const match = /^cmdstat_(.+)$/.exec(key);
    if (match) calls[match[1]] = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
  }
  return calls;
}

/**
 * Commands issued between two commandCalls() readings, per `per` units (e.g. per request), largest first. INFO is
 * left out: the readings themselves are INFO calls.
 */
export function commandsPer(before, after, per) {
  const rows = Object.entries(after)
    .filter(([command]) => command !== 'info')
    .map(([command, calls]) => [command, (calls - (before[command] ?? 0)) / per])
    .filter(([, n]) => n > 0.001)
    .sort((a, b) => b[1] - a[1]);
  return { total: rows.reduce((sum, [, n]) => sum + n, 0), byCommand: Object.fromEntries(rows) };
}

/**
 * Frees what Redis keeps about the commands it has run rather than about data: the per-command latency histograms
 * of Redis 7 (`latency-tracking`, on by default: ~25 KB for each command name ever called, counted in
 * used_memory's "dataset") and the Lua script cache (scripts loaded on first use; clients reload them on NOSCRIPT).
 */
export async function resetRedisStatistics(client) {
  await client.call('CONFIG', 'RESETSTAT');
  await client.call('SCRIPT', 'FLUSH', 'SYNC');
}
