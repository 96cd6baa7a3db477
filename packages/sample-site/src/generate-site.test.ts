import { describe, expect, it } from 'vitest';
import { generateSite, sampleSite, SITE_PATHS, type GenerateSiteOptions, type SiteEncoding } from './index.js';

const LINK = /<(a|area|frame|iframe)\s[^>]*?\b(?:href|src)="([^"]*)"/g;
const BASE = /<base href="([^"]*)">/;

/** Links as a parser would see them in the page text, independent of the manifest. */
function linksInHtml(html: string): Array<{ element: string; href: string }> {
  return [...html.matchAll(LINK)].map((m) => ({ element: m[1] as string, href: m[2] as string }));
}

const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe('generateSite', () => {
  it('is deterministic: the same seed gives byte-identical files and manifest', () => {
    const a = generateSite({ pages: 30, seed: 7 });
    const b = generateSite({ pages: 30, seed: 7 });
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [path, file] of a.files) expect(file.body.equals(b.files.get(path)?.body as Buffer), path).toBe(true);
    expect(JSON.stringify(a.manifest)).toBe(JSON.stringify(b.manifest));
  });

  it('gives different text for a different seed', () => {
    const a = generateSite({ pages: 5, seed: 'one' });
    const b = generateSite({ pages: 5, seed: 'two' });
    expect(a.files.get('/index.html')?.body.equals(b.files.get('/index.html')?.body as Buffer)).toBe(false);
  });

  it.each<SiteEncoding>(['utf-8', 'shift_jis', 'euc-jp'])('%s pages decode back to the original text', (encoding) => {
    const site = generateSite({ pages: 12, seed: `round-trip-${encoding}`, encodings: [encoding] });
    for (const page of site.manifest.pages) {
      const file = site.files.get(page.path);
      expect(page.encoding).toBe(encoding);
      const decoded = new TextDecoder(encoding).decode(file?.body);
      expect(decoded, page.path).toBe(file?.text);
      expect(decoded).not.toContain('\uFFFD');
      expect(decoded.match(/[\u3040-\u30ff\u4e00-\u9fff]/g)?.length).toBeGreaterThan(20);
      // Not ASCII-compatible by accident: the bytes differ from UTF-8 for the legacy encodings.
      expect(file?.body.equals(Buffer.from(decoded, 'utf8'))).toBe(encoding === 'utf-8');
    }
  });

  it('declares each charset where the manifest says, and only there', () => {
    const site = generateSite({ pages: 40, seed: 3 });
    for (const page of site.manifest.pages) {
      const file = site.files.get(page.path);
      const head = file?.body.subarray(0, 1024).toString('latin1') ?? '';
      const meta = /<meta (charset="[^"]+"|http-equiv="Content-Type" content="text\/html; charset=[^"]+")>/.exec(head);
      expect(file?.contentType).toBe(page.contentType);
      if (page.charsetDeclaredIn === 'header') expect(page.contentType).toBe(`text/html; charset=${page.charsetLabel}`);
      else expect(page.contentType).toBe('text/html');
      expect(Boolean(meta), page.path).toBe(page.charsetDeclaredIn === 'meta');
      if (meta) expect(meta[0]).toContain(page.charsetLabel as string);
      expect(new TextDecoder(page.charsetLabel ?? page.encoding).encoding).toBe(page.encoding);
    }
  });

  it('mixes every encoding with every kind of declaration, undeclared Shift_JIS and EUC-JP included', () => {
    const site = generateSite({ pages: 9, seed: 11 });
    const combos = new Set(site.manifest.pages.map((page) => `${page.encoding}/${page.charsetDeclaredIn}`));
    for (const encoding of ['utf-8', 'shift_jis', 'euc-jp']) {
      for (const declaration of ['header', 'meta', 'none']) expect(combos).toContain(`${encoding}/${declaration}`);
    }
  });

  it.each([2_000, 15_000, 40_000])('fills article pages to about %i bytes', (bytesPerPage) => {
    const site = generateSite({ pages: 15, seed: 5, bytesPerPage });
    for (const page of site.manifest.pages.filter((p) => p.role !== 'frameset')) {
      expect(page.bytes).toBe(site.files.get(page.path)?.body.length);
      expect(page.bytes, page.path).toBeGreaterThanOrEqual(bytesPerPage);
      expect(page.bytes, page.path).toBeLessThanOrEqual(bytesPerPage * 1.1);
    }
  });

  it('writes exactly the links the manifest lists, resolved against the <base href> when there is one', () => {
    const site = generateSite({ pages: 60, seed: 9, linksPerPage: 4 });
    for (const page of site.manifest.pages) {
      const html = site.files.get(page.path)?.text as string;
      expect(BASE.exec(html)?.[1] ?? null).toBe(page.baseHref);
      const found = linksInHtml(html).map(({ element, href }) => ({ element, href: unescape(href) }));
      expect(found, page.path).toEqual(page.links.map(({ element, href }) => ({ element, href })));
      for (const link of page.links) {
        if (link.target === null) continue;
        const resolved = new URL(link.href, `http://x${page.baseHref ?? page.path}`).pathname;
        expect(resolved).toBe(link.target);
      }
    }
  });

  it('links every tree page from the index within the depth of a k-ary tree', () => {
    const pages = 200;
    const k = 5;
    const site = generateSite({ pages, seed: 1, linksPerPage: k, bytesPerPage: 500 });
    const tree = site.manifest.pages.filter((page) => !['private', 'nofollow-target'].includes(page.role));
    expect(tree).toHaveLength(pages);
    // Page i (in BFS order) sits at depth d where (k^d - 1)/(k - 1) <= i < (k^(d+1) - 1)/(k - 1).
    tree.forEach((page, i) => {
      let depth = 0;
      while ((k ** (depth + 1) - 1) / (k - 1) <= i) depth++;
      expect(page.depth, page.path).toBe(depth);
    });
    expect(site.manifest.pages.find((page) => page.role === 'private')?.depth).toBe(1);
    expect(site.manifest.pages.find((page) => page.role === 'nofollow-target')?.depth).toBeNull();
  });

  it('has the quirks a crawler must handle', () => {
    const { files, manifest } = sampleSite();
    const role = (r: string) => manifest.pages.find((page) => page.role === r);
    const html = (path: string | undefined) => files.get(path ?? '')?.text ?? '';
    expect(files.get(SITE_PATHS.robots)?.text).toContain('Disallow: /private/');
    expect(files.get(SITE_PATHS.csv)?.contentType).toBe('text/csv');
    expect(files.has(SITE_PATHS.missing)).toBe(false);
    expect(manifest.missing).toEqual([SITE_PATHS.missing]);
    const indexLinks = role('index')?.links.map((link) => link.href);
    expect(indexLinks).toEqual(
      expect.arrayContaining([
        'mailto:info@example.jp',
        'javascript:void(0)',
        SITE_PATHS.private,
        SITE_PATHS.missing,
        SITE_PATHS.csv,
      ]),
    );
    expect(html(role('frameset')?.path)).toMatch(/<frameset[^>]*>\n<frame src="/);
    expect(html(role('nofollow')?.path)).toContain('<meta name="robots" content="nofollow">');
    expect(role('nofollow')?.links.map((link) => link.target)).toContain(SITE_PATHS.nofollowTarget);
    expect(html(role('base-href')?.path)).toContain('<base href="/">');
    expect(manifest.pages.filter((page) => page.path.endsWith('.htm')).length).toBeGreaterThan(0);
    expect(manifest.pages).toHaveLength(12);
  });

  it.each([1, 2, 3, 4])('builds a consistent site with only %i tree page(s)', (pages) => {
    const site = generateSite({ pages, seed: 2, bytesPerPage: 1_000 });
    for (const page of site.manifest.pages) {
      for (const link of page.links) {
        if (link.target === null) continue;
        const known = site.files.has(link.target) || site.manifest.missing.includes(link.target);
        expect(known, `${page.path} → ${link.target}`).toBe(true);
      }
    }
  });

  it.each<[string, GenerateSiteOptions]>([
    ['pages', { pages: 0 }],
    ['pages', { pages: 1.5 }],
    ['bytesPerPage', { pages: 3, bytesPerPage: 10 }],
    ['linksPerPage', { pages: 3, linksPerPage: 0 }],
    ['extraLinksPerPage', { pages: 3, extraLinksPerPage: -1 }],
    ['encodings', { pages: 3, encodings: [] }],
    ['encodings', { pages: 3, encodings: ['latin1' as SiteEncoding] }],
    ['seed', { pages: 3, seed: 1.5 }],
  ])('rejects a bad %s', (name, options) => {
    expect(() => generateSite(options)).toThrow(
      expect.objectContaining({ code: 'KUMO_SAMPLE_SITE_INVALID_OPTION', message: expect.stringContaining(name) }),
    );
  });
});
