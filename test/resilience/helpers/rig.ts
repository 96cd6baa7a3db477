import { generateSite, startSiteServer, type GeneratedSite, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../../helpers/crawl-harness.js';
import { startDedicatedRedis, type DedicatedRedis } from './dedicated-redis.js';
import { KumoSystem } from './system.js';

/** What a fault test runs against, started before its tests and stopped after them. */
export interface FaultRig {
  /** A redis-server of this rig's own, which the test may stop, kill and start again. */
  readonly redis: DedicatedRedis;
  /** The API and both worker apps (each a supervisor with its children) as separate processes. */
  readonly system: KumoSystem;
  /** The test's view of the crawls in Redis. */
  readonly client: CrawlClient;
  /** A site server on 127.0.0.1, closed with the rig. */
  serve(options: Parameters<typeof startSiteServer>[0]): Promise<SiteServer>;
  /**
   * A generated 40-page site answering each page after 250 ms: a crawl of it lasts several seconds, so a fault
   * injected after its first results lands mid-crawl.
   */
  slowSite(seed: string, bytesPerPage?: number): Promise<{ site: GeneratedSite; server: SiteServer }>;
}

/**
 * Registers `beforeAll`/`afterAll` hooks in the calling scope that start a fault rig (`name` labels its Redis
 * directory) with these setting overrides, and returns it; its fields are set once the hooks have run.
 */
export function useFaultRig(name: string, overrides: Record<string, string> = {}): FaultRig {
  const servers: SiteServer[] = [];
  let redis: DedicatedRedis | undefined;
  let system: KumoSystem | undefined;
  let client: CrawlClient | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the fault rig's ${what} is used before beforeAll ran`);
    return value;
  };
  const serve = async (options: Parameters<typeof startSiteServer>[0]) => {
    const server = await startSiteServer(options);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    redis = await startDedicatedRedis(name);
    system = await KumoSystem.start({ redisUrl: redis.url, overrides });
    client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
  });

  afterAll(async () => {
    await system?.stop();
    await client?.close();
    await Promise.all(servers.map((server) => server.close()));
    await redis?.close();
  });

  return {
    get redis() {
      return ready(redis, 'Redis');
    },
    get system() {
      return ready(system, 'system');
    },
    get client() {
      return ready(client, 'client');
    },
    serve,
    async slowSite(seed, bytesPerPage = 6000) {
      const site = generateSite({ pages: 40, seed, linksPerPage: 3, bytesPerPage });
      return { site, server: await serve({ site, faults: { slowMs: 250 } }) };
    },
  };
}
