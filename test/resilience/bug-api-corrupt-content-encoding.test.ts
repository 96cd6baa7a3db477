import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectProblem } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { KumoSystem } from './helpers/system.js';

// KNOWN BUG (reported to the lead, not fixed here), found by the API fuzz: a POST body whose Content-Encoding says
// gzip, deflate or br but which does not decompress answers 500 KUMO_API_INTERNAL (and logs "request failed").
// body-parser reports the zlib error as a 400 without a `type`, and apps/api's error handler (fromBodyParser) maps
// body-parser errors by `type` only, so it falls through to the 500. A client error must be a 4xx problem.
let redis: DedicatedRedis;
let system: KumoSystem;

beforeAll(async () => {
  redis = await startDedicatedRedis('bad-encoding');
  system = await KumoSystem.start({ redisUrl: redis.url, services: ['api'] });
});

afterAll(async () => {
  await system?.stop();
  await redis?.close();
});

describe('POST /v1/crawls with a body that does not match its Content-Encoding', () => {
  it.each(['gzip', 'deflate', 'br'])('Content-Encoding: %s → 400 problem+json', async (encoding) => {
    const response = await system.request('/v1/crawls', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body: JSON.stringify({ urls: ['http://127.0.0.1:9/'] }),
    });
    await expectProblem(response, 400);
  });
});
