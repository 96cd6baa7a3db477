import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { KumoSystem } from './helpers/system.js';

// Regression (found by the API fuzz): a POST body whose Content-Encoding says gzip, deflate or br but which does
// not decompress is the client's error. body-parser reports the zlib error as a bare 400 (no `type`); the API must
// answer it with a 400 problem+json (KUMO_API_VALIDATION naming Content-Encoding), not a 500 KUMO_API_INTERNAL.
// The unit cases (truncated and garbage streams, valid compressed bodies) are in apps/api's json-body.test.ts.
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
    const problem = await expectProblem(response, 400, 'KUMO_API_VALIDATION');
    expect(problem.errors?.[0]?.path).toBe('Content-Encoding');
  });

  it('logs none of them as a failed request (they are client errors, not 500s)', () => {
    expect(system.linesMatching((line) => line.msg === 'request failed')).toEqual([]);
  });
});
