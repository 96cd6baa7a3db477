import fc from 'fast-check';
import { problemSchema } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { checkAnswer, sendOne, type FuzzFailure, type FuzzRequest } from './helpers/api-fuzz.js';
import { submitCrawl } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { HOSTILE_FAMILIES, type HostileFamily, type HostileTargets } from './helpers/hostile-table.js';
import { KumoSystem } from './helpers/system.js';

/** Requests in flight at once: enough to keep the API process busy, few enough for a 2-core machine. */
const CONCURRENCY = 4;

// The hostile table (issue #21): every family of malformed input the API parses — crawl ids, pages cursors,
// Last-Event-ID values, query strings, request bodies — generated with fast-check (5,100 requests in all) against a
// real API process on a Redis of its own. No answer is a 5xx; every 4xx is problem+json with a kumo code (and, for a
// 400 of a family aimed at one input, names that input in `errors[].path`); each family answers only its statuses.
describe('the hostile table: malformed ids, cursors, event ids, query strings and bodies', () => {
  let redis: DedicatedRedis;
  let system: KumoSystem;
  let client: CrawlClient;
  let targets: HostileTargets;
  const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31);
  let total = 0;

  beforeAll(async () => {
    redis = await startDedicatedRedis('hostile-table');
    system = await KumoSystem.start({ redisUrl: redis.url, services: ['api'] });
    client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
    // A finished crawl of the fuzzing key with two pages (a real cursor, a real `done`), and one of the other key.
    const ownedId = await submitCrawl(system, { urls: ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'] });
    for (const url of ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']) {
      await client.state.results.appendPage(ownedId, { url, finalUrl: url, depth: 0, status: 'failed', timings: {} });
    }
    await client.state.lifecycle.settle(ownedId, 'cancelled', new Date());
    const foreignId = await submitCrawl(system, { urls: ['http://127.0.0.1:9/'] }, system.keys[1]);
    const page = (await (await system.request(`/v1/crawls/${ownedId}/pages?limit=1`)).json()) as {
      nextCursor: string | null;
    };
    const events = await client.state.results.readEvents(ownedId, { count: 100 });
    expect(page.nextCursor).not.toBeNull();
    targets = { ownedId, foreignId, realCursor: page.nextCursor!, realEventId: events.at(-1)!.id };
  });

  afterAll(async () => {
    await system?.stop();
    await client?.close();
    await redis?.close();
  });

  /** What is wrong with one answer of `family`: `checkAnswer`'s rules, then its statuses and a 400's path. */
  async function checkFamily(family: HostileFamily, request: FuzzRequest): Promise<FuzzFailure | null> {
    const answer = await sendOne(system.url, system.keys[0], request);
    if (typeof answer === 'string') return { request, status: 0, contentType: null, body: '', reason: answer };
    const generic = checkAnswer(request, answer);
    if (generic) return generic;
    const fail = (reason: string) => ({
      request,
      status: answer.status,
      contentType: answer.contentType,
      body: answer.text.slice(0, 300),
      reason,
    });
    if (!family.allowed.includes(answer.status))
      return fail(`status ${answer.status} not in ${family.allowed.join(', ')}`);
    if (answer.status === 400 && family.path !== undefined) {
      const problem = problemSchema.parse(JSON.parse(answer.text));
      if (!problem.errors?.some((error) => error.path === family.path)) {
        return fail(`400 without errors[].path ${family.path}`);
      }
    }
    return null;
  }

  it.each(HOSTILE_FAMILIES)('$name: $runs requests, never a 5xx', async (family) => {
    const requests = fc.sample(family.requests(targets), { numRuns: family.runs, seed });
    const failures: FuzzFailure[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let index = next++; index < requests.length; index = next++) {
          const failure = await checkFamily(family, requests[index]!);
          if (failure) failures.push(failure);
        }
      }),
    );
    total += requests.length;
    const shown = failures.slice(0, 5).map((failure) => ({
      ...failure,
      request: {
        ...failure.request,
        path: failure.request.path.slice(0, 300),
        body: Buffer.from(failure.request.body ?? [])
          .toString('latin1')
          .slice(0, 200),
      },
    }));
    expect(failures.length, `seed ${seed} (HOSTILE_SEED): ${JSON.stringify(shown, null, 1)}`).toBe(0);
    expect(requests.length).toBe(family.runs);
  });

  it('sent at least 5,000 requests, logged no 5xx, and the API still serves', async () => {
    expect(total).toBeGreaterThanOrEqual(5000);
    expect(system.linesMatching((line) => line.msg === 'request failed')).toEqual([]);
    expect(system.linesMatching((line) => line.code === 'KUMO_API_INTERNAL')).toEqual([]);
    expect((await system.request('/readyz', { key: null })).status).toBe(200);
    expect(system.service('api').child.exitCode).toBeNull();
  });
});
