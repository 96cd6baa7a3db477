import type { ComponentChildren } from 'preact';

export interface Column<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  numeric?: boolean;
  /** Japanese text: marked `lang="ja"` so the browser picks Japanese glyphs. */
  ja?: boolean;
}

/**
 * A captioned table in a scrollable, focusable region (keyboard users can scroll it sideways on a phone).
 * `name` labels both the region and the table.
 */
export function DataTable<T>({
  name,
  rows,
  columns,
  rowKey,
  class: className,
  rowData,
}: {
  name: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string;
  class?: string;
  /** `data-*` attributes of a row, for scripts and tests that find a row by what it shows. */
  rowData?: (row: T) => Record<`data-${string}`, string>;
}) {
  return (
    <div class="table-wrap" role="region" aria-label={name} tabIndex={0}>
      <table class={className}>
        <caption class="sr-only">{name}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" class={column.numeric ? 'num' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowData?.(row)}>
              {columns.map((column) => (
                <td key={column.header} class={column.numeric ? 'num' : undefined} lang={column.ja ? 'ja' : undefined}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
