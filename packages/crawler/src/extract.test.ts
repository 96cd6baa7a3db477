import { describe, expect, it } from 'vitest';
import { capText, EXTRACT_DEFAULTS, extractPage, MAX_TITLE_CHARS } from './extract.js';

const PAGE_URL = 'http://example.com/dir/page.html';

describe('extractPage links', () => {
  it('takes links from a, area, frame and iframe, resolved, normalised and de-duplicated', () => {
    const html = `<html><body>
      <a href="a.html">a</a> <a href="a.html#top">again</a> <a href="/root?x=1#f">root</a>
      <map><area href="../area.html"></map>
      <iframe src="//cdn.example.net/frame"></iframe>
      <a href="HTTP://Example.COM:80/dir/b.html?">b</a>
      <a>no href</a> <link href="style.css"> <img src="pic.png">
    </body></html>`;
    expect(extractPage(html, PAGE_URL).links).toEqual([
      'http://example.com/dir/a.html',
      'http://example.com/root?x=1',
      'http://example.com/area.html',
      'http://cdn.example.net/frame',
      'http://example.com/dir/b.html',
    ]);
  });

  it('finds frame links in a frameset document', () => {
    const html = `<html><head><title>Frames</title></head>
      <frameset cols="20%,80%"><frame src="menu.html" name="menu"><frame src="main.html"></frameset></html>`;
    const page = extractPage(html, PAGE_URL);
    expect(page.links).toEqual(['http://example.com/dir/menu.html', 'http://example.com/dir/main.html']);
    expect(page.title).toBe('Frames');
  });

  it('resolves against <base href>, itself relative to the page', () => {
    const html = '<head><base href="/other/sub/"></head><a href="x.html">x</a><a href="../y.html">y</a>';
    const page = extractPage(html, PAGE_URL);
    expect(page.baseUrl).toBe('http://example.com/other/sub/');
    expect(page.links).toEqual(['http://example.com/other/sub/x.html', 'http://example.com/other/y.html']);
  });

  it('ignores a base with a non-http scheme', () => {
    const html = '<base href="javascript:alert(1)"><a href="x.html">x</a>';
    expect(extractPage(html, PAGE_URL).links).toEqual(['http://example.com/dir/x.html']);
  });

  it.each([
    ['mailto:someone@example.com'],
    ['javascript:void(0)'],
    [' JavaScript:go()'],
    ['data:text/html,<p>x</p>'],
    ['tel:+81-3-0000-0000'],
    ['#section'],
    ['ftp://example.com/file'],
    [''],
    ['http://[broken'],
  ])('ignores %j', (href) => {
    expect(extractPage(`<a href="${href}">x</a>`, PAGE_URL).links).toEqual([]);
  });

  it.each([
    ['<meta name="robots" content="nofollow">', true],
    ['<meta name="ROBOTS" content="NoIndex, NoFollow">', true],
    ['<meta name="robots" content="none">', true],
    ['<meta name="robots" content="noindex">', false],
    ['<meta name="googlebot" content="nofollow">', false],
  ])('%s → nofollow %s', (meta, nofollow) => {
    const page = extractPage(`<html><head>${meta}</head><body><a href="x">x</a></body></html>`, PAGE_URL);
    expect(page.nofollow).toBe(nofollow);
  });

  it('finds links inside <noscript> (we do not run scripts) but not its text', () => {
    const html =
      '<body><script>document.write("nav")</script><noscript><a href="nav.html">Menu text</a></noscript><p>Body</p>';
    const page = extractPage(html, PAGE_URL);
    expect(page.links).toEqual(['http://example.com/dir/nav.html']);
    expect(page.text).toBe('Body');
  });
});

describe('extractPage text, title and lang', () => {
  it('keeps visible text only, one line per block, whitespace collapsed', () => {
    const html = `<html><head><title>  The
      Title  </title><style>p{color:red}</style><script>var x = "<p>no</p>";</script></head>
      <body>
        <h1>Heading</h1>
        <p>First   paragraph
        continues <b>bold</b> here.</p>
        <div>Block<br>after break</div>
        <ul><li>one</li><li>two</li></ul>
        <table><tr><td>c1</td><td>c2</td></tr></table>
        <template><p>template</p></template>
        <pre>line 1
  line    2</pre>
        <!-- a comment -->
      </body></html>`;
    const page = extractPage(html, PAGE_URL);
    expect(page.title).toBe('The Title');
    expect(page.text.split('\n')).toEqual([
      'Heading',
      'First paragraph continues bold here.',
      'Block',
      'after break',
      'one',
      'two',
      'c1',
      'c2',
      'line 1',
      'line 2',
    ]);
  });

  it('joins a Japanese sentence wrapped in the source without inserting a space', () => {
    const page = extractPage('<p>日本語の文章が\n  途中で改行されている。\nEnglish\nwords</p>', PAGE_URL);
    expect(page.text).toBe('日本語の文章が途中で改行されている。 English words');
  });

  it('handles CR-only line endings (classic Mac MS Word exports)', () => {
    const html =
      '<html>\r<head>\r<title>Mac\rpage</title>\r</head>\r<body>\r<p>one\rtwo</p>\r<p>three</p>\r</body>\r</html>';
    const page = extractPage(html, PAGE_URL);
    expect(page.title).toBe('Mac page');
    expect(page.text).toBe('one two\nthree');
  });

  it('reads MS Word HTML: conditional comments, o:p tags and downlevel-revealed markup', () => {
    const html = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
      <head><!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>someone</o:Author></o:DocumentProperties></xml><![endif]--></head>
      <body lang=JA><p class=MsoNormal><![if !supportLists]><span>1.<span>&nbsp;&nbsp; </span></span><![endif]>項目<o:p></o:p></p>
      <p class=MsoNormal><span lang=EN-US>MinCaml<o:p>&nbsp;</o:p></span></p></body></html>`;
    const page = extractPage(html, PAGE_URL);
    expect(page.text).toBe('1. 項目\nMinCaml');
    expect(page.text).not.toContain('someone');
  });

  it('survives broken, deeply nested markup', () => {
    const html = `<body>${'<font><div>'.repeat(5000)}deep text<p>unclosed <table><td>cell`;
    const page = extractPage(html, PAGE_URL);
    expect(page.text).toContain('deep text');
    expect(page.text).toContain('cell');
  });

  it.each([
    ['<html lang="ja"><body>x', 'ja'],
    ['<html xml:lang="en"><body>x', 'en'],
    ['<html><head><meta http-equiv="Content-Language" content="ja, en"></head><body>x', 'ja'],
    ['<html lang="  "><body>x', undefined],
    ['<body>x', undefined],
  ])('%s → lang %s', (html, lang) => {
    expect(extractPage(html, PAGE_URL).lang).toBe(lang);
  });

  it('leaves title undefined when missing or blank', () => {
    expect(extractPage('<title>  </title><p>x', PAGE_URL).title).toBeUndefined();
    expect(extractPage('<p>x', PAGE_URL).title).toBeUndefined();
  });
});

describe('extractPage on hostile pages', () => {
  it('reads an ordinary page whole: nothing left out, nothing cut', () => {
    const page = extractPage('<title>t</title><div><p>一<a href="/a">a</a></p></div>', PAGE_URL);
    expect(page).toMatchObject({ droppedTags: 0, textTruncated: false, text: '一a' });
  });

  it('keeps title, text and links of 100,000 nested <div>, the nesting cut at maxDepth', () => {
    const levels = 100_000;
    const html = `<!DOCTYPE html><html lang="ja"><title>入れ子</title>${'<div>'.repeat(levels)}<p>本文<a href="/deep">深い</a></p>${'</div>'.repeat(levels)}<p>後の段落<a href="/after">後</a></p>`;
    const page = extractPage(html, PAGE_URL);
    expect(page).toMatchObject({ title: '入れ子', lang: 'ja' });
    expect(page.droppedTags).toBeGreaterThan(levels - EXTRACT_DEFAULTS.maxDepth);
    // Left-out blocks become line breaks, so the deep paragraph and the one after stay separate lines.
    expect(page.text).toBe('本文深い\n後の段落後');
    expect(page.links).toEqual(['http://example.com/deep', 'http://example.com/after']);
  });

  it('keeps the links of 20,000 unclosed <b><i><table><tr><td><a>', () => {
    const html = `<title>未閉鎖</title>${Array.from({ length: 20_000 }, (_, i) => `<b><i><table><tr><td><a href="/p${i}">`).join('')}本文`;
    const page = extractPage(html, PAGE_URL);
    expect(page.title).toBe('未閉鎖');
    expect(page.text).toContain('本文');
    expect(page.links).toHaveLength(20_000);
    expect(page.links.at(-1)).toBe('http://example.com/p19999');
  });

  it('cuts a title of 350,000 characters to 1,000, marked, never inside a surrogate pair', () => {
    const huge = extractPage(`<title>${'題'.repeat(350_000)}</title><p>本文</p>`, 'http://a.example/');
    expect(huge.title).toHaveLength(MAX_TITLE_CHARS);
    expect(huge.title?.endsWith('…')).toBe(true);
    expect(huge.text).toBe('本文');
    // 'ab' and 997 code units of emoji: the cut would end on a high surrogate, which goes.
    const emoji = extractPage(`<title>ab${'😀'.repeat(1000)}</title>`, 'http://a.example/');
    expect(emoji.title).toBe(`ab${'😀'.repeat(498)}…`);
    const fits = '題'.repeat(MAX_TITLE_CHARS);
    expect(extractPage(`<title>${fits}</title>`, 'http://a.example/').title).toBe(fits);
  });

  it('takes its depth limit from the options', () => {
    const html = `${'<div>'.repeat(30)}x${'</div>'.repeat(30)}`;
    expect(extractPage(html, PAGE_URL, { maxDepth: 10 }).droppedTags).toBeGreaterThan(0);
    expect(extractPage(html, PAGE_URL).droppedTags).toBe(0);
  });

  it('cuts the text at maxTextChars, at a line break', () => {
    const html = `<p>${'あ'.repeat(60)}</p><p>${'い'.repeat(60)}</p><p>${'う'.repeat(60)}</p>`;
    const page = extractPage(html, PAGE_URL, { maxTextChars: 150 });
    expect(page).toMatchObject({ text: `${'あ'.repeat(60)}\n${'い'.repeat(60)}`, textTruncated: true });
    expect(extractPage(html, PAGE_URL, { maxTextChars: 182 }).textTruncated).toBe(false);
  });
});

describe('capText', () => {
  it.each([
    ['shorter than the cap', 'abc\ndef', 10, 'abc\ndef', false],
    ['exactly the cap', 'abc\ndef', 7, 'abc\ndef', false],
    ['at the last line break before the cap', 'abc\ndefgh\nij', 10, 'abc\ndefgh', true],
    ['a line break at the cap itself', 'abcd\nef', 4, 'abcd', true],
    ['inside a line when the last break would keep less than half', 'a\nbcdefghij', 6, 'a\nbcde', true],
    ['not between the halves of a surrogate pair', 'ab😀cd', 3, 'ab', true],
  ])('%s', (_name, text, max, expected, truncated) => {
    expect(capText(text, max)).toEqual({ text: expected, truncated });
  });
});
