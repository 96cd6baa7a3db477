import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A request as the site saw it: when it started and ended (ms since the site started). */
export interface SiteRequest {
  readonly path: string;
  readonly start: number;
  end: number | null;
}

/** A small link graph served over HTTP that watches how it is crawled. */
export interface GraphSite {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every page URL, `/p/0.html` (the seed) first. */
  readonly pageUrls: readonly string[];
  /** Requests per path (robots.txt included). */
  readonly requests: Map<string, number>;
  /** Every request in arrival order. */
  readonly log: readonly SiteRequest[];
  /** Most requests in flight at once, robots.txt included. */
  readonly maxInFlight: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** Milliseconds since the site started (the clock of `log`). */
  now(): number;
  /** Depth of each page from the seed (breadth-first), by URL. */
  depths(): Map<string, number>;
  close(): Promise<void>;
}

export interface GraphSiteOptions {
  /** Pages in the graph. */
  pages: number;
  /** Tree children per page: page i links to i·k+1 … i·k+k. Default 4. */
  fanOut?: number;
  /** Delay before each page answers, in ms: keeps requests in flight long enough to overlap. Default 0. */
  delayMs?: number;
}

/** Extra links to pages that already have a parent: the same URL offered by many pages (dedupe). */
function extraLinks(index: number, pages: number): number[] {
  if (index === 0) return [];
  return [0, Math.floor(index / 2), (index * 7) % pages];
}

function children(index: number, pages: number, fanOut: number): number[] {
  const list: number[] = [];
  for (let k = 1; k <= fanOut; k++) if (index * fanOut + k < pages) list.push(index * fanOut + k);
  return list;
}

/**
 * Serves `/p/<i>.html` pages in UTF-8 Japanese whose links form a tree with extra links back (so many pages offer
 * the same URL, with and without a fragment), and records every request with its start and end, so tests can check
 * per-host concurrency, dedupe and the page budget from the site's side.
 */
export async function startGraphSite(options: GraphSiteOptions): Promise<GraphSite> {
  const { pages } = options;
  const fanOut = options.fanOut ?? 4;
  const delayMs = options.delayMs ?? 0;
  const started = performance.now();
  const now = () => performance.now() - started;
  const requests = new Map<string, number>();
  const log: SiteRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const entry: SiteRequest = { path, start: now(), end: null };
    log.push(entry);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const finish = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body, () => {
        entry.end = now();
        inFlight--;
      });
    };
    void (async () => {
      if (path === '/robots.txt') return finish(200, 'text/plain', 'User-agent: *\nAllow: /\n');
      const match = /^\/p\/(\d+)\.html$/.exec(path);
      const index = match ? Number(match[1]) : -1;
      if (delayMs > 0) await sleep(delayMs);
      if (index < 0 || index >= pages) return finish(404, 'text/html; charset=utf-8', '<p>not found</p>');
      const links = [...children(index, pages, fanOut), ...extraLinks(index, pages)]
        .map((target, n) => `<a href="/p/${target}.html${n % 2 === 1 ? '#s' : ''}">ページ${target}</a>`)
        .join('\n');
      finish(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><html lang="ja"><head><title>ページ ${index}</title></head><body>` +
          `<p>東京の図書館で日本語の本を読みました。ページ${index}は分散クロールの試験です。</p>${links}</body></html>`,
      );
    })();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pageUrls = Array.from({ length: pages }, (_, i) => `${url}/p/${i}.html`);

  return {
    url,
    pageUrls,
    requests,
    log,
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    now,
    depths() {
      const depth = new Map<number, number>([[0, 0]]);
      const queue = [0];
      while (queue.length > 0) {
        const index = queue.shift()!;
        for (const target of [...children(index, pages, fanOut), ...extraLinks(index, pages)]) {
          if (depth.has(target)) continue;
          depth.set(target, depth.get(index)! + 1);
          queue.push(target);
        }
      }
      return new Map([...depth].map(([index, d]) => [pageUrls[index]!, d]));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
