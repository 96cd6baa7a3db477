import { afterAll, describe, expect, it } from 'vitest';
import { extractPage } from './extract.js';
import { PageExtractor } from './page-extractor.js';

// The thread pool itself is exercised from the built package by test/integration/crawl-deep-page.test.ts (a 5 MB
// deeply nested page in a two-process crawl); here: it gives what extractPage gives, whichever way a page goes.
const everyPageOffThread = new PageExtractor({ offThreadChars: 0 });
const inline = new PageExtractor({ offThreadChars: Number.MAX_SAFE_INTEGER });

afterAll(async () => {
  await Promise.all([everyPageOffThread.close(), inline.close()]);
});

const page = `<html lang="ja"><head><title> 見出し </title><base href="http://example.com/dir/"></head><body>
  <p>本文です。</p><a href="a.html">a</a><a href="mailto:x@example.com">m</a><div>${'<div>'.repeat(300)}深い${'</div>'.repeat(300)}</div>
</body></html>`;

describe('PageExtractor', () => {
  it.each([
    ['on a thread', everyPageOffThread],
    ['inline', inline],
  ])('extracts %s exactly as extractPage does', async (_name, extractor) => {
    const options = { maxTextChars: 1000 };
    expect(await extractor.extract(page, 'http://example.com/dir/page.html', options)).toEqual(
      extractPage(page, 'http://example.com/dir/page.html', options),
    );
  });

  it('defaults to parsing pages of 256 Ki characters and more off the event loop', () => {
    expect(new PageExtractor().offThreadChars).toBe(256 * 1024);
  });
});
