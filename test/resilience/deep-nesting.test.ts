import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/processes.js';

// Guards: @kumo/crawler's extractPage does work linear in the length of a page whatever its shape, so one small
// hostile page cannot block a crawl-worker's event loop (its BullMQ locks would lapse and every job of the process
// stall). parse5's tree builder scans its stack of open elements for every tag, which made 100,000 nested <div>
// (1.1 MB) cost minutes; extractPage now caps the nesting depth (elements deeper than 256 levels are left out, their
// text and links kept), keeps 256 attributes per tag and finds foster-parented nodes' slots from the end. Each page
// gets 30 s here — far more than a linear parse of ~2 MB needs on a busy machine (about 1–2 s) — in a worker
// thread, so the test can stop it; and it must still yield its title, its text and its links.
const crawlerEntry = pathToFileURL(path.join(repoRoot, 'packages/crawler/dist/index.js')).href;
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.entry).then(({ extractPage }) => {
  const page = extractPage(workerData.html, 'http://nested.test/');
  parentPort.postMessage({
    title: page.title,
    hasText: page.text.includes('本文'),
    links: page.links.length,
    lastLink: page.links.at(-1),
  });
});
`;

interface Extracted {
  title?: string;
  hasText: boolean;
  links: number;
  lastLink?: string;
}

function extractInWorker(html: string, timeoutMs: number) {
  return new Promise<Extracted | 'timeout'>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { entry: crawlerEntry, html } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve('timeout');
    }, timeoutMs);
    worker.once('message', (result: Extracted) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const HEAD = '<!DOCTYPE html><title>入れ子</title>';

describe('hostile page shapes: extractPage stays linear and keeps title, text and links', () => {
  it.each([
    [
      '100,000 nested <div>',
      `${HEAD}${'<div>'.repeat(100_000)}<a href="/deep">本文</a>${'</div>'.repeat(100_000)}`,
      { links: 1, lastLink: 'http://nested.test/deep' },
    ],
    [
      '20,000 unclosed <b><i><table><tr><td><a href>',
      `${HEAD}${Array.from({ length: 20_000 }, (_, i) => `<b><i><table><tr><td><a href="/p${i}">`).join('')}本文`,
      { links: 20_000, lastLink: 'http://nested.test/p19999' },
    ],
    [
      'one tag with 150,000 attributes',
      `${HEAD}<p ${Array.from({ length: 150_000 }, (_, i) => `a${i}=1`).join(' ')}>本文<a href="/after">a</a>`,
      { links: 1, lastLink: 'http://nested.test/after' },
    ],
    [
      '200,000 nodes misplaced in a table (foster parenting)',
      `${HEAD}<table>${'x<i>y</i>'.repeat(100_000)}<tr><td>本文<a href="/cell">c</a></table>`,
      { links: 1, lastLink: 'http://nested.test/cell' },
    ],
  ])(
    '%s: extractPage finishes within 30 s',
    async (_name, html, expected) => {
      const result = await extractInWorker(html, 30_000);
      expect(result, 'extractPage still running after 30 s').not.toBe('timeout');
      expect(result).toEqual({ title: '入れ子', hasText: true, ...expected });
    },
    60_000,
  );
});
