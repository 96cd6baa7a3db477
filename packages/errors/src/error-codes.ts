import { ERROR_CATALOG, type CatalogEntry } from './error-catalog.js';
import type { ErrorKind } from './kumo-error.js';

type Catalog = typeof ERROR_CATALOG;
type AreaCodes<W extends ErrorWorkspace> = Catalog[W]['codes'];

/** A workspace that raises errors, named by its folder (`packages/keyspace`, `apps/api`). */
export type ErrorWorkspace = keyof Catalog;

/** The codes one workspace raises (its retired codes excepted). */
export type ErrorCodeOf<W extends ErrorWorkspace> = {
  [C in keyof AreaCodes<W>]: AreaCodes<W>[C] extends { retired: true } ? never : C;
}[keyof AreaCodes<W>] &
  string;

/** Every kumo error code that may be raised: a code outside the catalog does not compile. */
export type ErrorCode = { [W in ErrorWorkspace]: ErrorCodeOf<W> }[ErrorWorkspace];

/** A workspace's code constants: each code under its name without the prefix (`TTL: 'KUMO_KEYSPACE_TTL'`). */
export type ErrorCodeConstants<W extends ErrorWorkspace> = {
  readonly [C in ErrorCodeOf<W> as C extends `${Catalog[W]['prefix']}${infer Name}` ? Name : never]: C;
};

/** One row of the catalog, as docs/errors.md shows it. */
export interface ErrorCatalogRow extends CatalogEntry {
  code: string;
  workspace: ErrorWorkspace;
}

const ROWS: readonly ErrorCatalogRow[] = Object.entries(ERROR_CATALOG)
  .flatMap(([workspace, { codes }]) =>
    Object.entries(codes).map(([code, entry]: [string, CatalogEntry]) => ({
      ...entry,
      code,
      workspace: workspace as ErrorWorkspace,
    })),
  )
  .sort((a, b) => (a.code < b.code ? -1 : 1));

const BY_CODE = new Map(ROWS.map((row) => [row.code, row]));

/**
 * The code constants of one workspace, derived from the catalog: `errorCodesOf('packages/keyspace').TTL` is
 * `'KUMO_KEYSPACE_TTL'`, typed as that literal. Each package's `errors.ts` exports them (`KeyspaceErrorCode`).
 */
export function errorCodesOf<W extends ErrorWorkspace>(workspace: W): ErrorCodeConstants<W> {
  const { prefix, codes } = ERROR_CATALOG[workspace];
  const live = Object.entries(codes as Record<string, CatalogEntry>).filter(([, entry]) => !entry.retired);
  return Object.freeze(Object.fromEntries(live.map(([code]) => [code.slice(prefix.length), code]))) as never;
}

/** What a worker does with an error of `code`, as the catalog says. */
export function errorKind(code: ErrorCode): ErrorKind {
  return BY_CODE.get(code)!.kind;
}

/** Every row of the catalog, retired codes included, sorted by code. */
export function errorCatalogRows(): readonly ErrorCatalogRow[] {
  return ROWS;
}
