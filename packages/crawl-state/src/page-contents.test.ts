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
