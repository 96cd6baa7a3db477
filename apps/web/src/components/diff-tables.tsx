import type { ReportView } from '../api/client.js';
import { formatScore } from '../format.js';
import { DataTable } from './data-table.js';

type Diff = NonNullable<ReportView['diff']>;

/**
 * The report's `diff` against the previous run of its schedule: four small tables (new keywords, gone, rising,
 * falling), or one sentence when nothing moved.
 */
export function DiffTables({ diff }: { diff: Diff }) {
  const moved = (name: string, rows: Diff['rising']) => (
    <DataTable
      name={name}
      rows={rows}
      rowKey={(row) => row.term}
      columns={[
        { header: 'Keyword', cell: (row) => row.term, ja: true },
        { header: 'From', cell: (row) => formatScore(row.from), numeric: true },
        { header: 'To', cell: (row) => formatScore(row.to), numeric: true },
      ]}
    />
  );
  const listed = (name: string, rows: Diff['added']) => (
    <DataTable
      name={name}
      rows={rows}
      rowKey={(row) => row.term}
      columns={[
        { header: 'Keyword', cell: (row) => row.term, ja: true },
        { header: 'Score', cell: (row) => formatScore(row.score), numeric: true },
      ]}
    />
  );
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">Changes since the previous run</h2>
      <p class="muted">
        Compared with crawl <a href={`#/crawls/${encodeURIComponent(diff.previousId)}/report`}>{diff.previousId}</a>.
      </p>
      {diff.added.length + diff.removed.length + diff.rising.length + diff.falling.length === 0 ? (
        <p data-diff="none">No keyword came, went or moved since then.</p>
      ) : (
        <div class="diff-grid">
          <div>
            <h3>New keywords</h3>
            {listed('New keywords', diff.added)}
          </div>
          <div>
            <h3>Gone</h3>
            {listed('Keywords gone', diff.removed)}
          </div>
          <div>
            <h3>Rising</h3>
            {moved('Rising keywords', diff.rising)}
          </div>
          <div>
            <h3>Falling</h3>
            {moved('Falling keywords', diff.falling)}
          </div>
        </div>
      )}
    </section>
  );
}
