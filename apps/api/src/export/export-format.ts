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

/** Turns batches of pages into the bytes of one export format. */
export interface ExportEncoder {
  readonly contentType: string;
  readonly extension: string;
  /** Whether the encoder needs each page's `analysis`. */
  readonly needsAnalysis: boolean;
  /** The text of one batch; the first call of a CSV export starts with the header row. */
  encode(pages: readonly PageResult[]): string;
  /** What an export without any page consists of (the CSV header row; nothing for NDJSON). */
  empty(): string;
}

/** NDJSON: one PageResult per line, as the pages endpoint shows it; `analysis` only when included. */
function ndjsonEncoder(withAnalysis: boolean): ExportEncoder {
  return {
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'ndjson',
    needsAnalysis: withAnalysis,
    encode: (pages) => pages.map((page) => `${JSON.stringify(page)}\n`).join(''),
    empty: () => '',
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
  let header = true;
  const rows = (pages: readonly PageResult[]) => {
    const text = stringify(
      pages.map((page) => ({
        ...page,
        terms: page.analysis?.terms
          .slice(0, CSV_TERMS)
          .map((term) => term.term)
          .join(' '),
        outLinks: page.outLinks?.join(' '),
      })),
      { header, columns, record_delimiter: 'windows', escape_formulas: true },
    );
    header = false;
    return text;
  };
  return {
    contentType: 'text/csv; charset=utf-8; header=present',
    extension: 'csv',
    needsAnalysis: true,
    encode: rows,
    empty: () => rows([]),
  };
}

/** The encoder of `format`, for the parts `include` asked for. */
export function exportEncoder(
  format: ExportFormat,
  include: { analysis: boolean; contents: readonly StoredContent[] },
): ExportEncoder {
  return format === 'csv' ? csvEncoder(include.contents) : ndjsonEncoder(include.analysis);
}
