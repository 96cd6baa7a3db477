// The second baseline of `crawl`: Crawlee's CheerioCrawler with in-memory storage (nothing persisted), fixed
// concurrency (min = max, so autoscaling does not ramp), no retries (kumo does not retry a 404 either), robots.txt
// respected, the x-euc-jp label mapped to euc-jp, links taken from a/area/frame/iframe against <base href> and enqueued same-hostname up to maxDepth.
//
// Usage: node crawlee-crawler.mjs '{"seed":"http://127.0.0.1:PORT/index.html","concurrency":40,"maxDepth":10}'
import { CheerioCrawler, Configuration, log } from '@crawlee/cheerio';

const options = JSON.parse(process.argv[2]);
const { seed, concurrency, maxDepth = 10, maxPages = 10_000 } = options;
log.setLevel(log.LEVELS.OFF);

const config = new Configuration({ persistStorage: false, purgeOnStart: true });
const stats = { pages: 0, fetched: 0, failed: 0, chars: 0, failures: {} };

const crawler = new CheerioCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    maxRequestRetries: 0,
    maxRequestsPerCrawl: maxPages,
    respectRobotsTxtFile: true,
    // Crawlee (iconv-lite) rejects the WHATWG label x-euc-jp that some of the site's headers use, failing those pages
    // and losing their subtrees; a user would map the label like this.
    postNavigationHooks: [
      ({ response }) => {
        const type = response?.headers?.['content-type'];
        if (typeof type === 'string') response.headers['content-type'] = type.replace(/x-euc-jp/i, 'euc-jp');
      },
    ],
    async requestHandler({ $, request, enqueueLinks }) {
      stats.fetched += 1;
      $('script, style, noscript, template').remove();
      stats.chars += $('body').text().replace(/\s+/g, ' ').trim().length;
      const depth = request.userData.depth ?? 0;
      const nofollow = /nofollow|none/i.test($('meta[name="robots" i]').attr('content') ?? '');
      if (nofollow || depth >= maxDepth) return;
      const base = new URL(
        $('base[href]').attr('href') ?? request.loadedUrl ?? request.url,
        request.loadedUrl ?? request.url,
      );
      const urls = [];
      $('a[href], area[href], frame[src], iframe[src]').each((_, element) => {
        const href = element.attribs.href ?? element.attribs.src;
        if (!href || /^(mailto|javascript|data):/i.test(href)) return;
        try {
          urls.push(new URL(href, base).href);
        } catch {
          // not a URL
        }
      });
      await enqueueLinks({ urls, strategy: 'same-hostname', userData: { depth: depth + 1 } });
    },
    failedRequestHandler({ request }, error) {
      stats.failed += 1;
      const reason = String(error?.message ?? error).slice(0, options.debug ? 400 : 80);
      stats.failures[reason] = (stats.failures[reason] ?? 0) + 1;
      if (options.debug) process.stderr.write(`${request.url} ${reason}\n`);
    },
  },
  config,
);

const started = performance.now();
const cpuStarted = process.cpuUsage();
await crawler.run([{ url: seed, userData: { depth: 0 } }]);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
stats.pages = stats.fetched + stats.failed;
process.stdout.write(
  `${JSON.stringify({ ...stats, ms, cpuSeconds: (cpu.user + cpu.system) / 1e6, pagesPerSecond: (stats.pages / ms) * 1000 })}\n`,
);
