import { PURPOSE_NAMES, createRedisClient } from '@kumo/keyspace';

/**
 * The end-of-run audit of the test Redis: after every integration test has run, no kumo key of any test's prefix
 * may lack a TTL. BullMQ's queue keys (`<prefix>:bull:…`) are exempt: retention bounds them. Returns the offenders.
 */
export async function keysWithoutTtl(redisUrl: string): Promise<string[]> {
  const client = createRedisClient(redisUrl);
  const purposes = new Set<string>(PURPOSE_NAMES);
  const offenders: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.pttl(key);
      const ttls = (await pipeline.exec()) ?? [];
      keys.forEach((key, index) => {
        const purpose = key.split(':')[1] ?? '';
        if (purposes.has(purpose) && ttls[index]?.[1] === -1) offenders.push(key);
      });
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return offenders;
}
