// What this machine charges work for the wait before it: the same CPU work (the crawler's decode and parse of one
// page of the generated site, no I/O) measured right after a short sleep and right after a long one, in a process of
// its own. A polite crawl runs each page's work after its host's delay; a crawl with no delay runs page after page.
// On a virtual machine whose idle CPU goes to other work, caches and TLBs are cold after a long sleep, and the same
// instructions cost more: the crawl comparisons of `politeness` are read against this factor.
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeHtml, extractPage } from '@kumo/crawler';
import { generateSite } from '@kumo/sample-site';

const SELF = fileURLToPath(import.meta.url);

/**
 * CPU µs of one page's parse (of the generated `site`: `generateSite` options) after `shortMs` and after `longMs` of
 * sleep, per round (blocks of each interleaved, `shortPages` and `longPages` pages a block), measured in a child
 * process so that nothing else runs on its loop.
 * @returns {Promise<{ shortMs: number, longMs: number, shortUs: number[], longUs: number[] }>}
 */
export function coldWorkCost({ site, shortMs = 2, longMs = 250, rounds = 3, shortPages = 100, longPages = 20 }) {
  const settings = { site, shortMs, longMs, rounds, shortPages, longPages };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SELF, JSON.stringify(settings)], { timeout: 120_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve({ shortMs, longMs, ...JSON.parse(stdout) });
    });
  });
}

async function measure({ site, shortMs, longMs, rounds, shortPages, longPages }) {
  const pages = [...generateSite(site).files]
    .filter(([path]) => path.endsWith('.html'))
    .map(([path, file]) => ({ url: `http://127.0.0.1${path}`, body: file.body }));
  let next = 0;
  const parseOne = () => {
    const { url, body } = pages[next++ % pages.length];
    return extractPage(decodeHtml(body).text, url);
  };
  const cpuUs = () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  };
  /** Mean CPU µs of a page's parse, each after `gapMs` of sleep. */
  const block = async (gapMs, count) => {
    let total = 0;
    for (let i = 0; i < count; i++) {
      await sleep(gapMs);
      const before = cpuUs();
      parseOne();
      total += cpuUs() - before;
    }
    return total / count;
  };
  // Compiled and warm before anything is measured, as in a crawl process that has run a while.
  for (let i = 0; i < 4 * pages.length; i++) parseOne();
  const shortUs = [];
  const longUs = [];
  for (let round = 0; round < rounds; round++) {
    shortUs.push(await block(shortMs, shortPages));
    longUs.push(await block(longMs, longPages));
  }
  return { shortUs, longUs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await measure(JSON.parse(process.argv[2] ?? '{}'))));
}
