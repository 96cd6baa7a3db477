import type { PageResult, StoredContent } from '@kumo/contract';
import { stringify } from 'csv-stringify/sync';

/** The export's file formats. */
export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The CSV columns every export has (CONTRACT.md), then `text` and `outLinks` when included. */
export const CSV_COLUMNS = [
  'url',
  'finalUrl',
  'depth',
  'status',
  'httpStatus',
  'charset',
  'title',
  'textLength',
  'terms',
] as const;

/** Terms in the CSV `terms` column: the page's most frequent ones, joined by spaces. */
export const CSV_TERMS = 10;

/** Turns pages into the text of one export format, a page at a time (an export never holds more than one). */
export interface ExportEncoder {
  readonly contentType: string;
  readonly extension: string;
  /** Whether the encoder needs each page's `analysis`. */
  readonly needsAnalysis: boolean;
  /** What the file starts with, pages or not (the CSV header row; nothing for NDJSON). */
  start(): string;
  /** The text of one page: its NDJSON line or CSV row. */
  encode(page: PageResult): string;
}

/** NDJSON: one PageResult per line, as the pages endpoint shows it; `analysis` only when included. */
function ndjsonEncoder(withAnalysis: boolean): ExportEncoder {
  return {
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'ndjson',
    needsAnalysis: withAnalysis,
    start: () => '',
    encode: (page) => `${JSON.stringify(page)}\n`,
  };
}

/**
 * CSV (RFC 4180: CRLF line ends, quotes only where needed, via csv-stringify): a header row, then one row per page.
 * `terms` holds the top {@link CSV_TERMS} terms joined by spaces (empty without an analysis); `outLinks` the links
 * joined by spaces (a normalised URL has none). A cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading
 * `'`, so a spreadsheet never runs a crawled page's title as a formula.
 */
function csvEncoder(contents: readonly StoredContent[]): ExportEncoder {
  const columns = [
    ...CSV_COLUMNS,
    ...(contents.includes('text') ? ['text'] : []),
    ...(contents.includes('links') ? ['outLinks'] : []),
  ];
  const options = { columns, record_delimiter: 'windows', escape_formulas: true } as const;
  return {
    contentType: 'text/csv; charset=utf-8; header=present',
    extension: 'csv',
    needsAnalysis: true,
    start: () => stringify([], { ...options, header: true }),
    encode: (page) =>
      stringify(
        [
          {
            ...page,
            terms: page.analysis?.terms
              .slice(0, CSV_TERMS)
              .map((term) => term.term)
              .join(' '),
            outLinks: page.outLinks?.join(' '),
          },
        ],
        { ...options, header: false },
      ),
  };
}

/** The encoder of `format`, for the parts `include` asked for. */
export function exportEncoder(
  format: ExportFormat,
  include: { analysis: boolean; contents: readonly StoredContent[] },
): ExportEncoder {
  return format === 'csv' ? csvEncoder(include.contents) : ndjsonEncoder(include.analysis);
}
