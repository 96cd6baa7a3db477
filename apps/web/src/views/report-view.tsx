import type { Cooccurrence, Keyword, ReportPhrase, Variation } from '@kumo/contract';
import type { ApiClient } from '../api/client.js';
import { useApiData } from '../api/use-api-data.js';
import { CooccurrenceGraph } from '../components/cooccurrence-graph.js';
import { DataTable, type Column } from '../components/data-table.js';
import { DiffTables } from '../components/diff-tables.js';
import { ExportButtons } from '../components/export-buttons.js';
import { KeywordChart } from '../components/keyword-chart.js';
import { ProblemMessage } from '../components/problem-message.js';
import { formatCount, formatScore } from '../format.js';
import { hrefOf } from '../route.js';

const KEYWORD_COLUMNS: Column<Keyword>[] = [
  { header: 'Keyword', cell: (k) => k.term, ja: true },
  { header: 'Reading', cell: (k) => k.reading, ja: true },
  { header: 'Score', cell: (k) => formatScore(k.score), numeric: true },
  { header: 'TF', cell: (k) => k.tf, numeric: true },
  { header: 'DF', cell: (k) => k.df, numeric: true },
];
const PHRASE_COLUMNS: Column<ReportPhrase>[] = [
  { header: 'Phrase', cell: (p) => p.phrase, ja: true },
  { header: 'Count', cell: (p) => p.count, numeric: true },
  { header: 'Pages', cell: (p) => p.df, numeric: true },
];
const PAIR_COLUMNS: Column<Cooccurrence>[] = [
  { header: 'Keyword', cell: (p) => p.a, ja: true },
  { header: 'With', cell: (p) => p.b, ja: true },
  { header: 'Weight', cell: (p) => formatScore(p.weight), numeric: true },
];
/** Kana forms only for terms that have them (a Latin-script term has `upper`/`lower` instead). */
type Forms = { base: string; romaji: string; katakana?: string; hiragana?: string; upper?: string; lower?: string };
const formsOf = (v: Variation): Forms => v.forms;
const VARIATION_COLUMNS: Column<Variation>[] = [
  { header: 'Term', cell: (v) => v.forms.base, ja: true },
  { header: 'Katakana', cell: (v) => formsOf(v).katakana ?? '', ja: true },
  { header: 'Hiragana', cell: (v) => formsOf(v).hiragana ?? '', ja: true },
  { header: 'Romaji', cell: (v) => v.forms.romaji },
  {
    header: 'Other forms',
    cell: (v) => [formsOf(v).upper, formsOf(v).lower].filter(Boolean).join(' · '),
  },
  { header: 'Search combinations', cell: (v) => v.combos.join('、'), ja: true },
];

/** A crawl's report: keyword chart, phrases, co-occurrence graph, variations, the diff when present, exports. */
export function ReportView({ client, id }: { client: ApiClient; id: string }) {
  const { data: report, problem } = useApiData(() => client.report(id), [client, id]);

  return (
    <section aria-labelledby="report-title">
      <p class="breadcrumb">
        <a href={hrefOf({ view: 'crawls' })}>Crawls</a> / <a href={hrefOf({ view: 'crawl', id })}>{id}</a> / report
      </p>
      <h1 id="report-title" tabIndex={-1}>
        Report{report?.partial ? ' (partial)' : ''}
      </h1>
      {problem && (
        <>
          <ProblemMessage problem={problem} what="No report" />
          <p>
            <a href={hrefOf({ view: 'crawl', id })}>Follow the crawl</a>
          </p>
        </>
      )}
      {!problem && !report && <p role="status">Loading the report…</p>}
      {report && (
        <>
          {report.partial && (
            <p class="notice" data-partial="true">
              This crawl was cancelled: the report covers only the pages analysed before the cancel.
            </p>
          )}
          <p>
            Built from {formatCount(report.pages.fetched)} fetched pages ({formatCount(report.pages.failed)} failed).
          </p>
          <ExportButtons client={client} id={id} />
          <section aria-labelledby="keywords-title">
            <h2 id="keywords-title">Keywords</h2>
            {report.keywords.length === 0 ? (
              <p>No keywords: no page had analysable text.</p>
            ) : (
              <>
                <KeywordChart keywords={report.keywords} />
                <details>
                  <summary>All {report.keywords.length} keywords as a table</summary>
                  <DataTable name="Keywords" rows={report.keywords} columns={KEYWORD_COLUMNS} rowKey={(k) => k.term} />
                </details>
              </>
            )}
          </section>
          {report.diff && <DiffTables diff={report.diff} />}
          <section aria-labelledby="phrases-title">
            <h2 id="phrases-title">Phrases</h2>
            <DataTable name="Phrases" rows={report.phrases} columns={PHRASE_COLUMNS} rowKey={(p) => p.phrase} />
          </section>
          <section aria-labelledby="graph-heading">
            <h2 id="graph-heading">Keywords that appear together</h2>
            <CooccurrenceGraph pairs={report.cooccurrence} keywords={report.keywords} />
            <details>
              <summary>The {report.cooccurrence.length} pairs as a table</summary>
              <DataTable
                name="Keyword pairs"
                rows={report.cooccurrence}
                columns={PAIR_COLUMNS}
                rowKey={(p) => `${p.a}\0${p.b}`}
              />
            </details>
          </section>
          <section aria-labelledby="variations-title">
            <h2 id="variations-title">Variations</h2>
            <DataTable
              name="Variations"
              class="variations"
              rows={report.variations}
              columns={VARIATION_COLUMNS}
              rowKey={(v) => v.term}
            />
          </section>
        </>
      )}
    </section>
  );
}
