import type { KeySpace, KumoKey } from './key-space.js';

/**
 * One row of docs/architecture.md's generated key table: a key built by its owner's key builder from placeholder
 * arguments (`<id>`, `<host>`, …), and what it holds and who uses it.
 */
export interface KeyTableRow {
  readonly key: KumoKey;
  /** The Redis type and what it holds (`hash: status, request, …`). */
  readonly holds: string;
  readonly writtenBy: string;
  readonly readBy: string;
}

/** Rows of a key builder's keys, from a key space. Each owner's key builder class exports one. */
export type KeyTable = (keySpace: KeySpace) => readonly KeyTableRow[];

const HEX_HASH = /\b[0-9a-f]{64}\b/g;
const BUCKET_TAG = /\{b:\d\d\}/g;

/** A key as the table shows it: no prefix, the bucket as `{b:NN}`, a SHA-256 placeholder as `<hash>`. */
function pattern(keySpace: KeySpace, key: string): string {
  const rest = key.startsWith(`${keySpace.prefix}:`) ? key.slice(keySpace.prefix.length + 1) : key;
  return rest.replace(BUCKET_TAG, '{b:NN}').replace(HEX_HASH, '<hash>');
}

/**
 * docs/architecture.md's key table (Markdown, columns padded as Prettier pads them), from the key tables of every
 * owner: the keys are built by the same builders the code uses, so the table cannot drift from them.
 */
export function renderKeyLayoutTable(keySpace: KeySpace, tables: readonly KeyTable[]): string {
  const rows = [
    ['key', 'holds', 'written by', 'read by'],
    ...tables.flatMap((table) =>
      table(keySpace).map((row) => [`\`${pattern(keySpace, row.key)}\``, row.holds, row.writtenBy, row.readBy]),
    ),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(3, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)].join('\n');
}
