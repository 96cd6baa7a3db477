import type { ServerResponse } from 'node:http';
import { afterEach, expect } from 'vitest';
import { createCrawler, type Crawler } from '../crawler.js';
import { CrawlerError } from '../errors.js';
import type { CrawlerOptions } from '../options.js';
import { startServer, type Handler, type TestServer } from './http-server.js';

export const HTML = '<!DOCTYPE html><html><head><title>t</title></head><body><p>hello</p></body></html>';

/**
 * Servers and crawlers for one test file, closed after each test. Crawlers allow 127.0.0.1 unless the test
 * overrides `allowHosts` (to test the block itself).
 */
export function useFetchHarness() {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((close) => close()));
  });
  return {
    async server(handler: Handler): Promise<TestServer> {
      const started = await startServer(handler);
      cleanup.push(() => started.close());
      return started;
    },
    crawler(options: CrawlerOptions = {}): Crawler {
      const created = createCrawler({ allowHosts: ['127.0.0.1'], ...options });
      cleanup.push(() => created.close());
      return created;
    },
  };
}

/** The CrawlerError a promise rejects with (fails the test if it resolves or rejects with something else). */
export async function failure(promise: Promise<unknown>): Promise<CrawlerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CrawlerError);
    return error as CrawlerError;
  }
  throw new Error('expected the fetch to fail');
}

/** Writes chunks for as long as the client keeps reading. */
export function streamForever(response: ServerResponse, headers: Record<string, string>, prefix = ''): void {
  response.writeHead(200, headers);
  response.write(prefix);
  const chunk = Buffer.alloc(16 * 1024, 'a');
  const pump = (): void => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', pump);
  };
  pump();
}
