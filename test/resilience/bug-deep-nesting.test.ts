import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/processes.js';

// KNOWN BUG (reported to the lead, not fixed here): @kumo/crawler's extractPage (cheerio.load with parse5) is
// quadratic in the nesting depth of a page: 8,000 nested <div> take ~1.5 s, 100,000 (a 1.1 MB page) several
// minutes of one core, during which the crawl-worker process's event loop is blocked — its BullMQ locks lapse, every
// job of the process stalls, and the page's job is retried on another process which then blocks in turn. One small
// hostile page stalls a crawl-worker for minutes. A correct crawler caps the work (depth limit before parsing, or a
// parse deadline), so this test gives it 30 s — far more than a linear parse of 1.1 MB needs on a busy machine —
// in a worker thread, so the test can stop it.
const crawlerEntry = pathToFileURL(path.join(repoRoot, 'packages/crawler/dist/index.js')).href;
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.entry).then(({ extractPage }) => {
  const page = extractPage(workerData.html, 'http://nested.test/');
  parentPort.postMessage({ title: page.title, textLength: page.text.length });
});
`;

function extractInWorker(html: string, timeoutMs: number) {
  return new Promise<{ title?: string; textLength: number } | 'timeout'>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { entry: crawlerEntry, html } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve('timeout');
    }, timeoutMs);
    worker.once('message', (result: { title?: string; textLength: number }) => {
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

describe('deeply nested HTML (100,000 levels)', () => {
  it.each([
    [
      '100,000 nested <div>',
      `<!DOCTYPE html><title>入れ子</title>${'<div>'.repeat(100_000)}本文${'</div>'.repeat(100_000)}`,
    ],
    [
      '20,000 unclosed <b><i><table><tr><td><a>',
      `<!DOCTYPE html><title>入れ子</title>${'<b><i><table><tr><td><a>'.repeat(20_000)}本文`,
    ],
  ])(
    '%s: extractPage finishes within 30 s',
    async (_name, html) => {
      const result = await extractInWorker(html, 30_000);
      expect(result, 'extractPage still running after 30 s').not.toBe('timeout');
      expect(result).toMatchObject({ title: '入れ子' });
    },
    60_000,
  );
});
