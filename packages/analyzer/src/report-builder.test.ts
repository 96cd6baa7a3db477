import { reportSchema } from '@kumo/contract';
import type { Analysis, Report } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { toHiragana } from 'wanakana';
import { ReportBuilder } from './report-builder.js';
import { toHepburn } from './romaji.js';
import type { ReportBuilderOptions } from './report-builder.js';

function term(name: string, count: number, reading = '', pos = '名詞'): Analysis['terms'][number] {
  return { term: name, reading, pos, count };
}

/** Runs both passes over `pages`, as the aggregate job does, and validates the report against the contract. */
function buildReport(pages: readonly Analysis[], options?: ReportBuilderOptions): Report {
  const builder = new ReportBuilder(options);
  for (const page of pages) builder.addPage(page);
  builder.selectKeywords();
  for (const page of pages) builder.addCooccurrencePage(page);
  return reportSchema.parse(builder.build('crawl-1', { fetched: pages.length, failed: 0 }));
}

describe('ReportBuilder on a hand-computed example', () => {
  const pages: Analysis[] = [
    {
      tokens: 10,
      terms: [term('東京', 3, 'トウキョウ'), term('大学', 1, 'ダイガク')],
      phrases: [{ phrase: '自然言語処理', count: 2, reading: 'シゼンゲンゴショリ' }],
    },
    {
      tokens: 10,
      terms: [term('東京', 1, 'トウキョウ'), term('html', 4)],
      phrases: [
        { phrase: '自然言語処理', count: 1 },
        { phrase: 'html文書', count: 3 },
      ],
    },
    { tokens: 10, terms: [term('東京', 1, 'トウキョウ'), term('大学', 2, 'ダイガク')], phrases: [] },
  ];
  const report = buildReport(pages);

  it('scores keywords by tf × (ln((1 + N) / (1 + df)) + 1) × weight, rounded to 4 decimals', () => {
    expect(report.keywords).toEqual([
      { term: '東京', reading: 'トウキョウ', score: 5, tf: 5, df: 3 }, // 5 × (ln(4/4) + 1)
      { term: '大学', reading: 'ダイガク', score: 3.863, tf: 3, df: 2 }, // 3 × (ln(4/3) + 1)
      // A compound noun (a Japanese phrase on two pages) is a keyword too, read as its pages read it.
      { term: '自然言語処理', reading: 'シゼンゲンゴショリ', score: 3.863, tf: 3, df: 2 }, // 3 × (ln(4/3) + 1)
      { term: 'html', reading: '', score: 1.6931, tf: 4, df: 1 }, // 4 × (ln(4/2) + 1) × 0.25 (Latin, lower case)
    ]);
  });

  it('weighs pairs by the Jaccard index of their pages, a < b', () => {
    expect(report.cooccurrence).toEqual([
      { a: '大学', b: '東京', weight: 0.6667 }, // 2 pages together / 3 pages with either
      { a: '東京', b: '自然言語処理', weight: 0.6667 }, // 2 / 3
      // Pairs seen on one page only come after those seen on two.
      { a: 'html', b: '自然言語処理', weight: 0.5 }, // 1 / 2
      { a: 'html', b: '東京', weight: 0.3333 }, // 1 / 3
      { a: '大学', b: '自然言語処理', weight: 0.3333 }, // 1 / 3
    ]);
  });

  it('sums phrase counts and counts their pages, ties by pages', () => {
    expect(report.phrases).toEqual([
      { phrase: '自然言語処理', count: 3, df: 2 },
      { phrase: 'html文書', count: 3, df: 1 },
    ]);
  });

  it('gives written forms and search combinations of the top keywords', () => {
    expect(report.variations).toEqual([
      {
        term: '東京',
        forms: { base: '東京', katakana: 'トウキョウ', hiragana: 'とうきょう', romaji: 'toukyou' },
        combos: ['東京 大学', '東京 自然言語処理', '東京 html'],
      },
      {
        term: '大学',
        forms: { base: '大学', katakana: 'ダイガク', hiragana: 'だいがく', romaji: 'daigaku' },
        combos: ['大学 東京', '大学 自然言語処理'],
      },
      {
        term: '自然言語処理',
        forms: {
          base: '自然言語処理',
          katakana: 'シゼンゲンゴショリ',
          hiragana: 'しぜんげんごしょり',
          romaji: 'shizengengoshori',
        },
        combos: ['自然言語処理 東京', '自然言語処理 html', '自然言語処理 大学'],
      },
      // A Latin term gets its case forms, no kana.
      {
        term: 'html',
        forms: { base: 'html', romaji: 'html', upper: 'HTML' },
        combos: ['html 自然言語処理', 'html 東京'],
      },
    ]);
  });

  it('keeps ー in hiragana forms', () => {
    const built = buildReport([{ tokens: 1, terms: [term('ページ', 1, 'ページ')], phrases: [] }]);
    expect(built.variations[0]?.forms).toEqual({
      base: 'ページ',
      katakana: 'ページ',
      hiragana: 'ぺーじ',
      romaji: 'peeji',
    });
  });

  it('reports a term with its most used reading, a reading before none', () => {
    const built = buildReport([
      { tokens: 1, terms: [term('日本', 1, 'ニッポン')], phrases: [] },
      { tokens: 1, terms: [term('日本', 3, 'ニホン')], phrases: [] },
      { tokens: 1, terms: [term('日本', 5, '')], phrases: [] },
    ]);
    expect(built.keywords[0]).toMatchObject({ term: '日本', reading: 'ニホン', tf: 9, df: 3 });
  });

  it('reads a compound phrase as most of its occurrences were read, the first reading on a tie', () => {
    const phrase = (reading: string, count: number) => ({ phrase: '行番号', count, reading });
    const built = buildReport([
      { tokens: 1, terms: [], phrases: [phrase('クダリバンゴウ', 2)] },
      { tokens: 1, terms: [], phrases: [phrase('ギョウバンゴウ', 3)] },
      { tokens: 1, terms: [], phrases: [phrase('ギョウバンゴウ', 1)] },
    ]);
    expect(built.keywords[0]).toMatchObject({ term: '行番号', reading: 'ギョウバンゴウ', tf: 6, df: 3 });
    const tie = buildReport([
      { tokens: 1, terms: [], phrases: [phrase('クダリバンゴウ', 2)] },
      { tokens: 1, terms: [], phrases: [phrase('ギョウバンゴウ', 2)] },
    ]);
    expect(tie.keywords[0]).toMatchObject({ term: '行番号', reading: 'クダリバンゴウ' });
  });

  it('counts a term listed twice by one page once in df', () => {
    const built = buildReport([{ tokens: 1, terms: [term('東京', 1), term('東京', 2)], phrases: [] }]);
    expect(built.keywords[0]).toMatchObject({ term: '東京', tf: 3, df: 1 });
  });

  it('skips malformed entries of analyses read back from storage', () => {
    const malformed = [
      { tokens: 1, terms: [{ term: '東京', reading: 'トウキョウ', pos: '名詞', count: '3' }], phrases: [] },
      { tokens: 1, terms: [term('東京', -1), term('東京', 1.5), term('', 2)], phrases: [{ phrase: 'x', count: 0 }] },
      { tokens: 1 },
      { tokens: 1, terms: [term('東京', 2, 'トウキョウ')], phrases: [{ phrase: '東京大学', count: 1 }] },
    ] as unknown as Analysis[];
    const built = buildReport(malformed); // N = 4: idf = ln(5 / 2) + 1
    expect(built.keywords).toEqual([{ term: '東京', reading: 'トウキョウ', score: 3.8326, tf: 2, df: 1 }]);
    expect(built.phrases).toEqual([{ phrase: '東京大学', count: 1, df: 1 }]);
  });

  it('without pass 2, builds a report with no co-occurrence', () => {
    const builder = new ReportBuilder();
    for (const page of pages) builder.addPage(page);
    const built = reportSchema.parse(builder.build('crawl-1', { fetched: 3, failed: 1 }));
    expect(built.pages).toEqual({ fetched: 3, failed: 1 });
    expect(built.keywords).toEqual(report.keywords);
    expect(built.cooccurrence).toEqual([]);
  });

  it('builds an empty report from no pages', () => {
    expect(buildReport([])).toEqual({
      id: 'crawl-1',
      pages: { fetched: 0, failed: 0 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    });
  });
});

describe('ReportBuilder misuse', () => {
  it.each([
    {
      name: 'addPage after selectKeywords',
      run: (builder: ReportBuilder) => {
        builder.selectKeywords();
        builder.addPage({ tokens: 0, terms: [], phrases: [] });
      },
      code: 'KUMO_ANALYZER_REPORT_PHASE',
    },
    {
      name: 'addCooccurrencePage before selectKeywords',
      run: (builder: ReportBuilder) => builder.addCooccurrencePage({ tokens: 0, terms: [], phrases: [] }),
      code: 'KUMO_ANALYZER_REPORT_PHASE',
    },
    {
      name: 'a negative page count',
      run: (builder: ReportBuilder) => builder.build('x', { fetched: -1, failed: 0 }),
      code: 'KUMO_ANALYZER_INVALID_OPTION',
    },
    {
      name: 'a fractional option',
      run: () => new ReportBuilder({ maxKeywords: 1.5 }),
      code: 'KUMO_ANALYZER_INVALID_OPTION',
    },
  ])('rejects $name with $code', ({ run, code }) => {
    expect(() => run(new ReportBuilder())).toThrow(expect.objectContaining({ code }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 5,000 synthetic pages, checked against a naive computation that holds everything in memory.

function syntheticPages(count: number, vocabulary: number, seed: number): Analysis[] {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const katakana = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン';
  const words = Array.from({ length: vocabulary }, (_, index) => {
    if (index % 5 === 0) return { term: `word${index}`, reading: '' };
    let word = '';
    for (let n = index + 1; n > 0; n = Math.floor(n / katakana.length)) word += katakana[n % katakana.length];
    return { term: `語${word}`, reading: `ゴ${word}` };
  });
  return Array.from({ length: count }, () => {
    const terms = new Map<string, Analysis['terms'][number]>();
    const size = 1 + Math.floor(random() * 50);
    while (terms.size < size) {
      const word = words[Math.floor(vocabulary * random() ** 3)]!; // skewed: a few words on most pages
      // Now and then a word comes with another reading, as 日本 does (ニホン / ニッポン).
      const reading = word.reading !== '' && random() < 0.05 ? `${word.reading}ー` : word.reading;
      terms.set(word.term, term(word.term, 1 + Math.floor(random() * 20), reading));
    }
    const phrases = Array.from({ length: Math.floor(random() * 20) }, (_, index) => ({
      phrase: `${words[Math.floor(vocabulary * random() ** 2)]!.term}${index % 3}`,
      count: 1 + Math.floor(random() * 5),
    }));
    return { tokens: 100, terms: [...terms.values()], phrases };
  });
}

function naiveKeywords(pages: readonly Analysis[]): Array<{ term: string; tf: number; df: number; score: number }> {
  const stats = new Map<string, { tf: number; df: number }>();
  for (const page of pages) {
    for (const { term: name, count } of page.terms) {
      const entry = stats.get(name) ?? { tf: 0, df: 0 };
      stats.set(name, { tf: entry.tf + count, df: entry.df + 1 });
    }
  }
  const n = pages.length;
  // The weights of keyword-candidates.ts: spread over more than half of the pages, Latin in lower case (word15).
  const weight = (name: string, df: number) =>
    (df / n > 0.5 ? Math.max(0.1, 1 - (df / n - 0.5) * 1.8) : 1) * (/^[a-z]/.test(name) ? 0.25 : 1);
  return [...stats]
    .map(([name, { tf, df }]) => ({
      term: name,
      tf,
      df,
      score: Math.round(tf * (Math.log((1 + n) / (1 + df)) + 1) * weight(name, df) * 1e4) / 1e4,
    }))
    .sort((x, y) => y.score - x.score || (x.term < y.term ? -1 : 1))
    .slice(0, 100);
}

function naivePairs(
  pages: readonly Analysis[],
  keywords: readonly string[],
): Array<{ a: string; b: string; weight: number }> {
  const pagesWith = new Map<string, number>();
  const together = new Map<string, number>();
  for (const page of pages) {
    const present = [...new Set(page.terms.map(({ term: name }) => name))].filter((name) => keywords.includes(name));
    for (const x of present) {
      pagesWith.set(x, (pagesWith.get(x) ?? 0) + 1);
      for (const y of present) if (x < y) together.set(`${x}\t${y}`, (together.get(`${x}\t${y}`) ?? 0) + 1);
    }
  }
  // Generic keywords (on more than 78 % of the pages: weight < 0.5) and a Japanese term with a longer one containing
  // it (語ア, 語アイ) make no pair; pairs seen on one page only come last.
  const generic = (name: string) => (pagesWith.get(name) ?? 0) / pages.length > 0.5 + 0.5 / 1.8;
  const pairs = [...together]
    .map(([key, both]) => {
      const [a = '', b = ''] = key.split('\t');
      const either = (pagesWith.get(a) ?? 0) + (pagesWith.get(b) ?? 0) - both;
      return { a, b, weight: Math.round((both / either) * 1e4) / 1e4, both };
    })
    .filter(
      ({ a, b }) => !generic(a) && !generic(b) && !(/^語/.test(a) && /^語/.test(b) && (a.includes(b) || b.includes(a))),
    );
  pairs.sort(
    (p, q) =>
      Number(q.both > 1) - Number(p.both > 1) ||
      q.weight - p.weight ||
      q.both - p.both ||
      (p.a < q.a ? -1 : p.a > q.a ? 1 : p.b < q.b ? -1 : 1),
  );
  return pairs.slice(0, 50).map(({ a, b, weight }) => ({ a, b, weight }));
}

describe('ReportBuilder with 5,000 synthetic pages', () => {
  const vocabulary = 3_000;
  const pages = syntheticPages(5_000, vocabulary, 42);
  const report = buildReport(pages);

  it('selects the same keywords, tf, df and scores as a naive computation', () => {
    expect(report.keywords).toHaveLength(100);
    expect(report.keywords.map(({ term: name, tf, df, score }) => ({ term: name, tf, df, score }))).toEqual(
      naiveKeywords(pages),
    );
  });

  it('finds the same strongest pairs as a naive computation', () => {
    expect(report.cooccurrence).toHaveLength(50);
    expect(report.cooccurrence).toEqual(
      naivePairs(
        pages,
        report.keywords.map(({ term: name }) => name),
      ),
    );
  });

  it('holds what the vocabulary needs, not what the pages need', () => {
    const builder = new ReportBuilder();
    for (const page of pages) builder.addPage(page);
    const distinct = new Set(pages.flatMap((page) => page.terms.map(({ term: name }) => name)));
    expect(builder.pageCount).toBe(5_000);
    expect(builder.vocabularySize).toBe(distinct.size);
    expect(builder.vocabularySize).toBeLessThanOrEqual(vocabulary);
  });

  it('keeps every property of a consistent report', () => {
    const listed = new Set(pages.flatMap((page) => page.terms.map(({ term: name }) => name)));
    const keywordSet = new Set(report.keywords.map(({ term: name }) => name));
    for (const keyword of report.keywords) {
      expect(listed.has(keyword.term)).toBe(true);
      expect(keyword.df).toBeGreaterThan(0);
      expect(keyword.df).toBeLessThanOrEqual(pages.length);
      expect(keyword.tf).toBeGreaterThanOrEqual(keyword.df);
    }
    for (const phrase of report.phrases) expect(phrase.df).toBeLessThanOrEqual(pages.length);
    for (const { a, b, weight } of report.cooccurrence) {
      expect(keywordSet.has(a) && keywordSet.has(b)).toBe(true);
      expect(a < b).toBe(true);
      expect(weight).toBeGreaterThan(0);
      expect(weight).toBeLessThanOrEqual(1);
    }
    expect(report.variations.map(({ term: name }) => name)).toEqual(
      report.keywords.slice(0, 20).map(({ term: name }) => name),
    );
    for (const { term: name, forms, combos } of report.variations) {
      const reading = report.keywords.find((keyword) => keyword.term === name)!.reading;
      expect(forms).toEqual(
        reading === ''
          ? { base: name, romaji: name.toLowerCase(), upper: name.toUpperCase() }
          : {
              base: name,
              katakana: reading,
              hiragana: toHiragana(reading, { convertLongVowelMark: false }),
              romaji: toHepburn(reading),
            },
      );
      expect(combos.length).toBeLessThanOrEqual(3);
      for (const combo of combos) expect(keywordSet.has(combo.slice(name.length + 1))).toBe(true);
    }
  });

  it('is deterministic: same pages, in any order, same report', () => {
    expect(buildReport(pages)).toEqual(report);
    expect(buildReport([...pages].reverse())).toEqual(report);
  });
});
