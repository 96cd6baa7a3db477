import type { CrawlStatus } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { createdCrawl, openStores, request, useStores } from './__fixtures__/crawl.js';
import { canTransition, CRAWL_TRANSITIONS, type CrawlFlowStarter, type TerminalStatus } from './crawl-lifecycle.js';
import { newCrawlId } from './crawl-records.js';

/** A flow starter that records the flows it was given, or fails with `failure`. */
function flows(failure?: Error) {
  const added: Parameters<CrawlFlowStarter['addCrawlFlow']>[0][] = [];
  const starter: CrawlFlowStarter = {
    async addCrawlFlow(flow) {
      added.push(flow);
      if (failure) throw failure;
    },
  };
  return { added, starter };
}

// A long progress interval: only the first write of a crawl emits progress until the lock is removed.
const suite = useStores({ progressIntervalMs: 3_600_000 });

describe('the crawl lifecycle', () => {
  it('creates, reads, runs once, finishes once', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    expect(await crawls.records.getCrawl(id)).toEqual({
      crawl: {
        id,
        status: 'queued',
        request,
        createdAt: '2026-11-22T00:00:00.000Z',
        counts: { discovered: 0, fetched: 0, failed: 0, skipped: 0, analyzed: 0, dropped: 0 },
        truncated: false,
      },
      owner: 'owner-1',
      cancelRequested: false,
    });
    await expect(crawls.records.createCrawl({ id, owner: 'x', request, createdAt: new Date() })).rejects.toMatchObject({
      code: 'KUMO_STATE_CRAWL_EXISTS',
    });
    expect(await crawls.lifecycle.markRunning(id, '2026-11-22T00:00:01Z')).toBe(true);
    expect(await crawls.lifecycle.markRunning(id, '2026-11-22T00:00:09Z')).toBe(false);
    expect(await crawls.lifecycle.finish(id, 'completed', '2026-11-22T00:00:02Z')).toBe('completed');
    expect(await crawls.lifecycle.finish(id, 'failed', '2026-11-22T00:00:03Z')).toBe('completed');
    const { crawl } = (await crawls.records.getCrawl(id))!;
    expect(crawl).toMatchObject({
      status: 'completed',
      startedAt: '2026-11-22T00:00:01.000Z',
      finishedAt: '2026-11-22T00:00:02.000Z',
    });
  });

  it('raises the cancel flag and reports the status', async () => {
    const id = await suite.created();
    expect(await suite.stores.crawls.records.isCancelRequested(id)).toBe(false);
    expect(await suite.stores.crawls.lifecycle.requestCancel(id)).toBe('queued');
    expect(await suite.stores.crawls.records.isCancelRequested(id)).toBe(true);
    expect((await suite.stores.crawls.records.getCrawl(id))!.cancelRequested).toBe(true);
    expect(await suite.stores.crawls.admission.admitUrls(id, ['http://a/'], 10)).toEqual([]);
  });

  it('starts a crawl: the record, the seeds admitted once, a flow of the admitted seeds at depth 0', async () => {
    const { crawls, keys, store } = suite.stores;
    const id = newCrawlId();
    const { added, starter } = flows();
    const seeds = ['http://a/', 'http://b/', 'http://a/'];

    const started = await crawls.lifecycle.startCrawl(
      { id, owner: 'o', request, seeds, createdAt: new Date() },
      starter,
    );

    expect(started).toMatchObject({ crawl: { id, status: 'queued' }, owner: 'o', cancelRequested: false });
    expect(added).toEqual([
      {
        crawlId: id,
        seeds: [
          { url: 'http://a/', depth: 0 },
          { url: 'http://b/', depth: 0 },
        ],
      },
    ]);
    expect((await store.sMembers(keys.seen(id))).length).toBe(2);
    expect((await crawls.records.getCrawl(id))!.crawl).toMatchObject({ status: 'queued', counts: { discovered: 2 } });
  });

  it('ends a crawl whose flow could not be added failed, with its done event, and throws the error', async () => {
    const { crawls, keys, store } = suite.stores;
    const id = newCrawlId();
    const failure = new Error('flow refused');
    const compensationErrors: unknown[] = [];

    await expect(
      crawls.lifecycle.startCrawl(
        { id, owner: 'o', request, seeds: ['http://a/'], createdAt: new Date() },
        flows(failure).starter,
        { onCompensationError: (error) => compensationErrors.push(error) },
      ),
    ).rejects.toBe(failure);

    const { crawl } = (await crawls.records.getCrawl(id))!;
    expect(crawl.status).toBe('failed');
    expect(crawl.finishedAt).toBeDefined();
    const events = await crawls.results.readEvents(id, { count: 100 });
    expect(events.map((event) => event.type)).toEqual(['done']);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ status: 'failed' });
    // The seen-set is left to expire: a flow added after all (a lost reply) still finds its seeds admitted.
    expect((await store.sMembers(keys.seen(id))).length).toBe(1);
    expect(compensationErrors).toEqual([]);
  });

  it('reports a compensation that fails too, and still throws the start error', async () => {
    const { crawls, keys, store } = suite.stores;
    const id = newCrawlId();
    const failure = new Error('flow refused');
    const compensationErrors: unknown[] = [];
    // The record vanishes (expired) before the compensation: marking it failed cannot work.
    const starter: CrawlFlowStarter = {
      async addCrawlFlow() {
        await store.del(keys.record(id));
        throw failure;
      },
    };

    await expect(
      crawls.lifecycle.startCrawl({ id, owner: 'o', request, seeds: ['http://a/'], createdAt: new Date() }, starter, {
        onCompensationError: (error) => compensationErrors.push(error),
      }),
    ).rejects.toBe(failure);

    expect(compensationErrors).toMatchObject([{ code: 'KUMO_STATE_CRAWL_NOT_FOUND' }]);
    expect(await crawls.records.getCrawl(id)).toBeNull();
  });

  it('refuses to start a crawl id that is taken, leaving that crawl as it was', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    const { added, starter } = flows();

    await expect(
      crawls.lifecycle.startCrawl({ id, owner: 'x', request, seeds: ['http://a/'], createdAt: new Date() }, starter),
    ).rejects.toMatchObject({ code: 'KUMO_STATE_CRAWL_EXISTS' });

    expect(added).toEqual([]);
    expect(await crawls.records.getCrawl(id)).toMatchObject({
      owner: 'owner-1',
      crawl: { status: 'queued', counts: { discovered: 0 } },
    });
  });

  it('settles a crawl: terminal status, then the tmp data deleted, then done (a client seeing done sees no tmp)', async () => {
    // Its own stores: the result stream's appendDone is wrapped to look at the tmp keys when done is appended.
    const own = openStores(suite.redis.url);
    try {
      const { crawls, keys, store } = own;
      const id = await createdCrawl(crawls);
      await crawls.admission.admitUrls(id, ['http://a/'], 10);
      await crawls.texts.putPageText(id, 'p1', 'テキスト');
      const tmpAtDone: number[] = [];
      const appendDone = crawls.results.appendDone.bind(crawls.results);
      crawls.results.appendDone = async (crawlId, status) => {
        for (const key of [keys.seen(crawlId), keys.texts(crawlId), keys.text(crawlId, 'p1')]) {
          tmpAtDone.push(await store.pttl(key));
        }
        expect((await crawls.records.getCrawl(crawlId))!.crawl.status).toBe(status);
        return appendDone(crawlId, status);
      };

      expect(await crawls.lifecycle.settle(id, 'completed', '2026-11-22T00:00:05Z')).toBe('completed');

      expect(tmpAtDone).toEqual([-2, -2, -2]);
      const events = await crawls.results.readEvents(id, { count: 100 });
      expect(events.map((event) => event.type)).toEqual(['done']);
      expect(JSON.parse(events[0]!.data)).toMatchObject({ status: 'completed' });
      expect((await crawls.records.getCrawl(id))!.crawl.finishedAt).toBe('2026-11-22T00:00:05.000Z');
    } finally {
      await own.store.close();
    }
  });

  it('settles a crawl already finished with its first status, and appends done once', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    expect(await crawls.lifecycle.settle(id, 'cancelled', new Date())).toBe('cancelled');
    expect(await crawls.lifecycle.settle(id, 'completed', new Date())).toBe('cancelled');
    const done = (await crawls.results.readEvents(id, { count: 100 })).filter((event) => event.type === 'done');
    expect(done.map((event) => JSON.parse(event.data).status)).toEqual(['cancelled']);
  });

  it('settling an unknown crawl throws CrawlNotFoundError and creates nothing', async () => {
    const { crawls, keys, store } = suite.stores;
    const id = newCrawlId();
    await expect(crawls.lifecycle.settle(id, 'completed', new Date())).rejects.toMatchObject({
      code: 'KUMO_STATE_CRAWL_NOT_FOUND',
    });
    for (const key of [keys.record(id), keys.events(id)]) expect(await store.pttl(key)).toBe(-2);
  });
});

describe('CRAWL_TRANSITIONS', () => {
  const statuses = Object.keys(CRAWL_TRANSITIONS) as CrawlStatus[];
  const terminal = (status: CrawlStatus): status is TerminalStatus => CRAWL_TRANSITIONS[status].length === 0;

  /** A crawl in `status`, reached through the lifecycle. */
  async function crawlIn(status: CrawlStatus): Promise<string> {
    const { crawls } = suite.stores;
    const id = await suite.created();
    if (status === 'running') await crawls.lifecycle.markRunning(id, new Date());
    if (terminal(status)) await crawls.lifecycle.finish(id, status, new Date());
    return id;
  }

  /** Tries `to` with the lifecycle call that makes that move. */
  async function attempt(id: string, to: CrawlStatus): Promise<void> {
    const { crawls } = suite.stores;
    if (to === 'running') await crawls.lifecycle.markRunning(id, new Date());
    else if (terminal(to)) await crawls.lifecycle.finish(id, to, new Date());
    else await crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() }).catch(() => undefined);
  }

  const pairs = statuses.flatMap((from) => statuses.filter((to) => to !== from).map((to) => [from, to] as const));
  it.each(pairs)('%s → %s is what the scripts do', async (from, to) => {
    const id = await crawlIn(from);
    await attempt(id, to);
    const { crawl } = (await suite.stores.crawls.records.getCrawl(id))!;
    expect(crawl.status).toBe(canTransition(from, to) ? to : from);
  });

  it('calls exactly the final statuses terminal', () => {
    expect(statuses.filter(terminal).sort()).toEqual(['cancelled', 'completed', 'failed']);
  });
});
