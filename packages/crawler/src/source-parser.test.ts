import { describe, expect, it } from 'vitest';
import { CrawlerErrorCode, CrawlerError } from './errors.js';
import { MAX_TEXT_RUN_CHARS, SourceParser, type SourceEntryKind } from './source-parser.js';

const BASE = 'https://example.jp/feeds/main.xml';

/** Parses `xml` in pieces of `pieceSize` characters (every split point must work: the body streams). */
function parse(xml: string, { maxEntries = 100, pieceSize = 7 } = {}) {
  const entries: [string, SourceEntryKind][] = [];
  const parser = new SourceParser({ baseUrl: BASE, maxEntries, onEntry: (url, kind) => entries.push([url, kind]) });
  for (let at = 0; at < xml.length; at += pieceSize) parser.write(xml.slice(at, at + pieceSize));
  const format = parser.end();
  return { format, entries, invalid: parser.invalid };
}

function failureOf(xml: string, options?: { maxEntries?: number }): CrawlerError {
  try {
    parse(xml, options);
  } catch (error) {
    expect(error).toBeInstanceOf(CrawlerError);
    return error as CrawlerError;
  }
  throw new Error('expected the document to fail');
}

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

describe('SourceParser: sitemaps', () => {
  it('reads the <loc> of each <url> of a urlset, skipping extension elements such as image:loc', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="${SITEMAP_NS}" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://example.jp/a</loc><lastmod>2026-01-01</lastmod>
    <image:image><image:loc>https://img.example.jp/x.png</image:loc></image:image></url>
  <url>
    <loc>
      https://example.jp/b?x=1&amp;y=2
    </loc>
  </url>
  <url><loc><![CDATA[https://example.jp/c/日本語]]></loc></url>
</urlset>`;
    expect(parse(xml)).toEqual({
      format: 'urlset',
      entries: [
        ['https://example.jp/a', 'page'],
        ['https://example.jp/b?x=1&y=2', 'page'],
        ['https://example.jp/c/%E6%97%A5%E6%9C%AC%E8%AA%9E', 'page'],
      ],
      invalid: 0,
    });
  });

  it('reads a sitemapindex as sitemaps to follow', () => {
    const xml = `<sitemapindex xmlns="${SITEMAP_NS}">
      <sitemap><loc>https://example.jp/s1.xml.gz</loc><lastmod>2026-01-01</lastmod></sitemap>
      <sitemap><loc>/s2.xml</loc></sitemap>
    </sitemapindex>`;
    expect(parse(xml)).toMatchObject({
      format: 'sitemapindex',
      entries: [
        ['https://example.jp/s1.xml.gz', 'sitemap'],
        ['https://example.jp/s2.xml', 'sitemap'],
      ],
    });
  });

  it('accepts a namespace prefix on every element', () => {
    const xml = `<sm:urlset xmlns:sm="${SITEMAP_NS}"><sm:url><sm:loc>https://example.jp/p</sm:loc></sm:url></sm:urlset>`;
    expect(parse(xml).entries).toEqual([['https://example.jp/p', 'page']]);
  });

  it('counts entries that are no http(s) URL as invalid and does not hand them on', () => {
    const xml = `<urlset xmlns="${SITEMAP_NS}"><url><loc>mailto:a@example.jp</loc></url><url><loc>ftp://x/</loc></url>
      <url><loc>https://example.jp/ok</loc></url></urlset>`;
    expect(parse(xml)).toMatchObject({ entries: [['https://example.jp/ok', 'page']], invalid: 2 });
  });
});

describe('SourceParser: feeds', () => {
  it('reads RSS 2.0 item links, falling back to a permalink guid', () => {
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
  <title>ブログ</title><link>https://example.jp/</link>
  <atom:link href="https://example.jp/feed" rel="self"/>
  <item><title>一</title><link>https://example.jp/posts/1</link><guid>https://example.jp/?p=1</guid></item>
  <item><title>二</title><guid>https://example.jp/posts/2</guid></item>
  <item><title>三</title><guid isPermaLink="false">https://example.jp/not-a-link</guid></item>
  <item><title>四</title><guid>12345</guid></item>
  <item><title>五</title><link>posts/5</link></item>
</channel></rss>`;
    expect(parse(xml)).toEqual({
      format: 'rss',
      entries: [
        ['https://example.jp/posts/1', 'page'],
        ['https://example.jp/posts/2', 'page'],
        ['https://example.jp/feeds/posts/5', 'page'],
      ],
      invalid: 0,
    });
  });

  it('reads RSS 1.0 (RDF) items', () => {
    const xml = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel rdf:about="https://example.jp/"><link>https://example.jp/</link></channel>
      <item rdf:about="https://example.jp/r1"><link>https://example.jp/r1</link></item></rdf:RDF>`;
    expect(parse(xml).entries).toEqual([['https://example.jp/r1', 'page']]);
  });

  it('reads Atom entry links (rel alternate or none), resolved against xml:base', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.jp/blog/">
  <link rel="self" href="https://example.jp/atom.xml"/>
  <entry><link rel="edit" href="/edit/1"/><link rel="alternate" type="text/html" href="2026/first"/></entry>
  <entry xml:base="/other/"><link href="second"/></entry>
  <entry><link rel="enclosure" href="https://example.jp/a.mp3"/></entry>
</feed>`;
    expect(parse(xml)).toEqual({
      format: 'atom',
      entries: [
        ['https://example.jp/blog/2026/first', 'page'],
        ['https://example.jp/other/second', 'page'],
      ],
      invalid: 0,
    });
  });

  it('decodes entities and character references in links', () => {
    const xml = `<rss><channel><item><link>https://example.jp/q?a=1&amp;b=&#x3042;</link></item></channel></rss>`;
    expect(parse(xml).entries).toEqual([['https://example.jp/q?a=1&b=%E3%81%82', 'page']]);
  });
});

describe('SourceParser: failures', () => {
  it.each([
    ['an unclosed element', `<urlset xmlns="${SITEMAP_NS}"><url><loc>https://example.jp/a</loc>`],
    ['mismatched tags', `<urlset><url><loc>https://example.jp/a</url></loc></urlset>`],
    ['an undefined entity', `<rss><channel><item><link>https://example.jp/&nbsp;</link></item></channel></rss>`],
    ['an HTML page', `<!DOCTYPE html><html><body>not a sitemap</body></html>`],
    ['an unknown root', `<catalog><url><loc>https://example.jp/a</loc></url></catalog>`],
    ['a feed root outside the Atom namespace', `<feed><entry><link href="https://example.jp/a"/></entry></feed>`],
    ['an empty document', ''],
  ])('%s is SOURCE_MALFORMED', (_name, xml) => {
    expect(failureOf(xml).code).toBe(CrawlerErrorCode.SOURCE_MALFORMED);
  });

  it('fails with SOURCE_TOO_LARGE past maxEntries, after handing on the first ones', () => {
    const urls = Array.from({ length: 5 }, (_v, i) => `<url><loc>https://example.jp/${i}</loc></url>`).join('');
    const entries: string[] = [];
    const parser = new SourceParser({ baseUrl: BASE, maxEntries: 3, onEntry: (url) => entries.push(url) });
    expect(() => parser.write(`<urlset xmlns="${SITEMAP_NS}">${urls}</urlset>`)).toThrow(
      expect.objectContaining({ code: CrawlerErrorCode.SOURCE_TOO_LARGE }),
    );
    expect(entries).toEqual(['https://example.jp/0', 'https://example.jp/1', 'https://example.jp/2']);
  });

  it('fails with SOURCE_TOO_LARGE on a text run longer than MAX_TEXT_RUN_CHARS (never held whole)', () => {
    const parser = new SourceParser({ baseUrl: BASE, maxEntries: 10, onEntry: () => undefined });
    parser.write(`<urlset xmlns="${SITEMAP_NS}"><url><loc>`);
    const piece = 'x'.repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i <= MAX_TEXT_RUN_CHARS / piece.length; i++) parser.write(piece);
    }).toThrow(expect.objectContaining({ code: CrawlerErrorCode.SOURCE_TOO_LARGE }));
  });

  it('hands on the entries before a syntax error', () => {
    const entries: string[] = [];
    const parser = new SourceParser({ baseUrl: BASE, maxEntries: 10, onEntry: (url) => entries.push(url) });
    expect(() =>
      parser.write(
        `<urlset xmlns="${SITEMAP_NS}"><url><loc>https://example.jp/1</loc></url><url><loc>https://example.jp/&bogus;</loc></url>`,
      ),
    ).toThrow(expect.objectContaining({ code: CrawlerErrorCode.SOURCE_MALFORMED }));
    expect(entries).toEqual(['https://example.jp/1']);
  });
});
