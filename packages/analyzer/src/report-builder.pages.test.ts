// The whole path on real text: page texts → analyzeText → ReportBuilder (two passes) → a report the contract accepts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportSchema } from '@kumo/contract';
import type { Analysis, Report } from '@kumo/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { JAPANESE_PARAGRAPHS } from './__fixtures__/japanese-paragraphs.js';
import { analyzeText } from './analyze-page.js';
import { ReportBuilder } from './report-builder.js';
import { loadTokenizer } from './tokenizer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const siteDir = path.resolve(repoRoot, '../shared/fixtures/sites/sakura-help');
const hasSite = existsSync(siteDir);

/** 40 pages of the sakura-help site (UTF-8 with BOM), or our paragraphs one per page when the corpus is absent. */
function pageTexts(): string[] {
  if (!hasSite) return JAPANESE_PARAGRAPHS.split('\n');
  return readdirSync(siteDir)
    .filter((name) => name.endsWith('.html'))
    .sort()
    .slice(0, 40)
    .map((name) => readFileSync(path.join(siteDir, name), 'utf8').replace(/<[^>]*>/g, ' '));
}

let analyses: Analysis[];
let report: Report;

beforeAll(async () => {
  const tokenizer = await loadTokenizer();
  analyses = [];
  for (const text of pageTexts()) analyses.push(await analyzeText(text, tokenizer));
  const builder = new ReportBuilder();
  for (const analysis of analyses) builder.addPage(analysis);
  builder.selectKeywords();
  for (const analysis of analyses) builder.addCooccurrencePage(analysis);
  report = builder.build('crawl-real', { fetched: analyses.length, failed: 0 });
}, 120_000);

describe(`a report from real page analyses${hasSite ? '' : ` (sakura-help SKIPPED: ${siteDir} not found; own paragraphs used)`}`, () => {
  it('is a valid Report with full sections', () => {
    expect(reportSchema.parse(report)).toEqual(report);
    expect(report.keywords.length).toBe(
      Math.min(100, new Set(analyses.flatMap((a) => a.terms.map((t) => t.term))).size),
    );
    expect(report.cooccurrence.length).toBeGreaterThan(0);
    expect(report.variations.length).toBe(Math.min(20, report.keywords.length));
  });

  it('only reports keywords some page listed, with df ≤ pages and tf as the sum of page counts', () => {
    for (const keyword of report.keywords) {
      // Latin keywords are shown as written (SSH), counted lower-cased.
      const listing = analyses.flatMap((analysis) =>
        analysis.terms.filter((term) => term.term === keyword.term.toLowerCase()),
      );
      if (listing.length === 0) {
        // A compound noun: counted from the phrases that contain it, at least as often as the phrase itself.
        const phrases = analyses.flatMap((analysis) => analysis.phrases.filter((p) => p.phrase === keyword.term));
        expect(phrases.length, keyword.term).toBeGreaterThan(0);
        expect(keyword.df).toBeGreaterThanOrEqual(phrases.length);
        expect(keyword.tf).toBeGreaterThanOrEqual(phrases.reduce((sum, phrase) => sum + phrase.count, 0));
        expect(keyword.df).toBeLessThanOrEqual(analyses.length);
        continue;
      }
      expect(listing.length).toBe(keyword.df);
      expect(keyword.df).toBeLessThanOrEqual(analyses.length);
      expect(listing.reduce((sum, term) => sum + term.count, 0)).toBe(keyword.tf);
    }
  });

  it('gives Japanese keywords their katakana reading and its hiragana and romaji', () => {
    const japanese = report.variations.flatMap(({ forms }) => ('katakana' in forms ? [forms] : []));
    expect(japanese.length).toBeGreaterThan(0);
    for (const forms of japanese) {
      expect(forms.katakana).toMatch(/^[\p{sc=Katakana}ー]+$/u);
      expect(forms.hiragana).toMatch(/^[\p{sc=Hiragana}ー]+$/u);
      expect(forms.romaji).toMatch(/^[a-z'-]+$/);
    }
  });
});
