import { describe, expect, it } from 'vitest';
import { page, useStores } from './__fixtures__/crawl.js';
import { boundLinks, MAX_STORED_LINK_LENGTH, MAX_STORED_LINKS } from './page-contents.js';

const suite = useStores();

describe('stored page contents', () => {
  it('keeps text and links by URL under result keys with the result TTL, and attaches only what is asked', async () => {
    const { crawls, store, keys } = suite.stores;
    const id = await suite.created();
    await crawls.contents.putContent(id, 'http://a/', { text: '雲の\nテキスト', links: ['http://a/x', 'http://b/'] });
    await crawls.contents.putContent(id, 'http://b/', { text: '', links: [] });
    await crawls.contents.putContent(id, 'http://c/', { links: ['http://a/'] });
    for (const key of [keys.pageTexts(id), keys.pageLinks(id)]) {
      expect(key).toContain(':result:{b:');
      expect(await store.pttl(key)).toBeGreaterThan(3_500_000);
    }
    const pages = [page('http://a/'), page('http://b/'), page('http://c/'), page('http://d/', 'failed')];
    await crawls.contents.attachContents(id, pages, ['text', 'links']);
    expect(pages.map((p) => [p.text, p.outLinks])).toEqual([
      ['雲の\nテキスト', ['http://a/x', 'http://b/']],
      ['', []],
      [undefined, ['http://a/']],
      [undefined, undefined],
    ]);
    const onlyText = [page('http://a/')];
    await crawls.contents.attachContents(id, onlyText, ['text']);
    expect(onlyText[0]).toMatchObject({ text: '雲の\nテキスト' });
    expect(onlyText[0]).not.toHaveProperty('outLinks');
  });

  it('attaches contents in runs of at most maxBytes of stored values, to copies, a larger page alone', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    // Bytes of text + links (UTF-8): a 600, b 300, c 300, d 1,200 (over the budget alone), e none, f 150.
    await crawls.contents.putContent(id, 'http://a/', { text: 'あ'.repeat(200) });
    await crawls.contents.putContent(id, 'http://b/', { text: 'b'.repeat(300) });
    await crawls.contents.putContent(id, 'http://c/', { text: 'c'.repeat(290), links: ['http://x/'] });
    await crawls.contents.putContent(id, 'http://d/', { text: 'い'.repeat(400) });
    await crawls.contents.putContent(id, 'http://f/', { links: [`http://f/${'f'.repeat(141)}`] });
    const pages = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => page(`http://${name}/`));
    const runs: string[][] = [];
    const texts: (number | undefined)[] = [];
    for await (const run of crawls.contents.attachInRuns(id, pages, ['text', 'links'], 900)) {
      runs.push(run.map((p) => p.url.slice(7, 8)));
      texts.push(...run.map((p) => p.text?.length));
    }
    expect(runs).toEqual([['a', 'b'], ['c'], ['d'], ['e', 'f']]);
    expect(texts).toEqual([200, 300, 290, 400, undefined, undefined]);
    // The pages given stay as they were: a caller keeping them does not keep the texts.
    expect(pages.some((p) => p.text !== undefined || p.outLinks !== undefined)).toBe(false);
    // Only what `include` asks is sized and attached: links are 9 bytes (c) and 150 (f).
    const onlyLinks: string[][] = [];
    for await (const run of crawls.contents.attachInRuns(id, pages, ['links'], 100)) {
      expect(run.every((p) => p.text === undefined)).toBe(true);
      onlyLinks.push(run.map((p) => p.url.slice(7, 8)));
    }
    expect(onlyLinks).toEqual([['a', 'b', 'c', 'd', 'e'], ['f']]);
  });

  it('writes nothing for empty content', async () => {
    const { crawls, store, keys } = suite.stores;
    const id = await suite.created();
    await crawls.contents.putContent(id, 'http://a/', {});
    expect(await store.pttl(keys.pageTexts(id))).toBe(-2);
    expect(await store.pttl(keys.pageLinks(id))).toBe(-2);
  });

  it('bounds the links: the first 1,000, none longer than 2,048 characters', () => {
    const long = `http://a/${'x'.repeat(MAX_STORED_LINK_LENGTH)}`;
    const many = Array.from({ length: MAX_STORED_LINKS + 5 }, (_, i) => `http://a/${i}`);
    const kept = boundLinks([long, ...many]);
    expect(kept).toHaveLength(MAX_STORED_LINKS);
    expect(kept[0]).toBe('http://a/0');
    expect(kept.at(-1)).toBe(`http://a/${MAX_STORED_LINKS - 1}`);
  });
});
