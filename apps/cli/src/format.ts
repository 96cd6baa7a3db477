import type { Crawl, CrawlCounts, CrawlRequest, Keyword, PageResult } from '@kumo/contract';
import { isKumoError } from '@kumo/errors';
import { ApiProblemError } from './errors.js';

/**
 * Terminal columns a string takes: East Asian wide and fullwidth characters (kanji, kana, fullwidth forms,
 * Hangul) take two, combining marks none. Enough to line up Japanese keyword tables without a dependency.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0x300 && code < 0x370) || code === 0x200b) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) || // Hangul Jamo
    (code >= 0x2e80 && code <= 0x303e) || // CJK radicals, punctuation
    (code >= 0x3041 && code <= 0x33ff) || // kana, CJK symbols
    (code >= 0x3400 && code <= 0x4dbf) || // CJK extension A
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
    (code >= 0xa000 && code <= 0xa4cf) || // Yi
    (code >= 0xac00 && code <= 0xd7a3) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) || // CJK compatibility forms
    (code >= 0xff00 && code <= 0xff60) || // fullwidth forms
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) || // emoji
    (code >= 0x20000 && code <= 0x3fffd) // CJK extensions B and later
  );
}

/** A column of a text table. */
export interface Column {
  header: string;
  /** Numbers read best right-aligned. Default `left`. */
  align?: 'left' | 'right';
}

/** Lays rows out as a table with a header and a rule, padding by display width. Returns the lines. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column.header), ...rows.map((row) => displayWidth(row[index] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const pad = ' '.repeat(Math.max(0, (widths[index] ?? 0) - displayWidth(cell)));
        return columns[index]?.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(row)),
  ];
}

/** The report's top keywords as a table: rank, term, reading, score, df. */
export function formatKeywordTable(keywords: readonly Keyword[], limit = 20): string[] {
  if (keywords.length === 0) return ['(no keywords: nothing was analysed)'];
  const rows = keywords
    .slice(0, limit)
    .map((keyword, index) => [
      String(index + 1),
      keyword.term,
      keyword.reading,
      formatScore(keyword.score),
      String(keyword.df),
    ]);
  return formatTable(
    [
      { header: '#', align: 'right' },
      { header: 'term' },
      { header: 'reading' },
      { header: 'score', align: 'right' },
      { header: 'df', align: 'right' },
    ],
    rows,
  );
}

function formatScore(score: number): string {
  return score >= 100 ? score.toFixed(1) : score.toFixed(3);
}

/**
 * `discovered 12  fetched 9  failed 1  skipped 2  analyzed 8`, then `  dropped 3` when `maxPages` dropped links and
 * `  not modified 4` when a schedule's later run got `304`s.
 */
export function formatCounts(counts: CrawlCounts): string {
  const dropped = counts.dropped ? `  dropped ${counts.dropped}` : '';
  const notModified = counts.notModified ? `  not modified ${counts.notModified}` : '';
  return `discovered ${counts.discovered}  fetched ${counts.fetched}  failed ${counts.failed}  skipped ${counts.skipped}  analyzed ${counts.analyzed}${dropped}${notModified}`;
}

/** How `maxPages` cut a crawl short: `maxPages 5 reached, 12 link(s) not followed`. */
export function formatTruncation(counts: CrawlCounts | undefined, maxPages?: number): string {
  const budget = maxPages === undefined ? 'maxPages' : `maxPages ${maxPages}`;
  return `${budget} reached, ${counts?.dropped ?? 0} link(s) not followed`;
}

/** `2026-12-04T01:02:03.456Z` → `2026-12-04 01:02:03` (UTC, as the API answers). */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** A crawl request's first seed (a URL, else a source's URL), and how many more there are: `http://a/ (+2)`. */
export function formatSeeds(request: Pick<CrawlRequest, 'urls' | 'sources'>): string {
  const [first = '', ...rest] = [...request.urls, ...(request.sources ?? []).map((source) => source.url)];
  return rest.length > 0 ? `${first} (+${rest.length})` : first;
}

/** Every seed of a crawl request: its URLs, then its sources as `sitemap:<url>` / `feed:<url>`. */
export function formatSeedList(request: Pick<CrawlRequest, 'urls' | 'sources'>): string {
  return [...request.urls, ...(request.sources ?? []).map((source) => `${source.type}:${source.url}`)].join(' ');
}

/** `maxDepth 1  maxPages 100  scope same-host  analyze true`: the limits of a crawl request, defaults applied. */
export function formatRequestLimits(request: CrawlRequest): string {
  return `maxDepth ${request.maxDepth}  maxPages ${request.maxPages}  scope ${request.scope}  analyze ${request.analyze}`;
}

/** A crawl as `name: value` lines, for `kumo status`. */
export function formatCrawl(crawl: Crawl): string[] {
  const { request } = crawl;
  const lines = [
    `id:       ${crawl.id}`,
    `status:   ${crawl.status}`,
    `urls:     ${formatSeedList(request)}`,
    `request:  ${formatRequestLimits(request)}`,
    `counts:   ${formatCounts(crawl.counts)}`,
    `created:  ${crawl.createdAt}`,
  ];
  // After the counts line; absent when the server does not say (older servers).
  if (crawl.truncated !== undefined) {
    const truncated = crawl.truncated ? `yes, ${formatTruncation(crawl.counts, request.maxPages)}` : 'no';
    lines.splice(5, 0, `truncated: ${truncated}`);
  }
  // A schedule's run: which schedule, and the run before it (whose pages were re-fetched conditionally).
  if (crawl.scheduleId) lines.push(`schedule: ${crawl.scheduleId}`);
  if (crawl.previousId) lines.push(`previous: ${crawl.previousId}`);
  if (crawl.startedAt) lines.push(`started:  ${crawl.startedAt}`);
  if (crawl.finishedAt) lines.push(`finished: ${crawl.finishedAt}`);
  return lines;
}

/** One page result as one line: status, HTTP status or reason, URL, title. */
export function formatPageLine(
  page: Pick<PageResult, 'status' | 'url' | 'httpStatus' | 'title' | 'reason' | 'error' | 'kind' | 'entries'>,
): string {
  const detail =
    page.status === 'fetched'
      ? String(page.httpStatus ?? '')
      : page.status === 'skipped'
        ? (page.reason ?? '')
        : (page.error?.code ?? String(page.httpStatus ?? ''));
  const title = page.title ? `  ${page.title}` : '';
  // A sitemap's or feed's own result: what it is and how many entries it handed on.
  const source = page.kind ? `  (${page.kind}, ${page.entries ?? 0} entries)` : '';
  return `${page.status.padEnd(7)}  ${detail.padEnd(6)}  ${page.url}${title}${source}`;
}

/**
 * An error as the CLI prints it: `error KUMO_…: detail`, then one indented line per field problem. Errors without
 * a kumo code are printed with their message only.
 */
export function formatError(error: unknown): string[] {
  if (error instanceof ApiProblemError) {
    return [
      `error ${error.code}: ${error.detail}`,
      ...error.fieldErrors.map((field) => `  ${field.path || '(body)'}: ${field.message}`),
    ];
  }
  if (isKumoError(error)) return [`error ${error.code}: ${error.message}`];
  return [`error: ${error instanceof Error ? error.message : String(error)}`];
}
