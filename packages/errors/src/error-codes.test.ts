import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineError } from './define-error.js';
import { errorCatalogRows, errorCodesOf, errorKind, type ErrorCode } from './error-codes.js';
import { renderErrorTable } from './error-table.js';
import { KumoError } from './kumo-error.js';

describe('the error catalog', () => {
  it('derives a workspace code constants from its rows, each typed as its literal code', () => {
    const codes = errorCodesOf('packages/keyspace');
    expect(codes.TTL).toBe('KUMO_KEYSPACE_TTL');
    expect(Object.isFrozen(codes)).toBe(true);
    expectTypeOf(codes.TTL).toEqualTypeOf<'KUMO_KEYSPACE_TTL'>();
    expectTypeOf(errorCodesOf('packages/crawl-state').CRAWL_EXISTS).toEqualTypeOf<'KUMO_STATE_CRAWL_EXISTS'>();
    // @ts-expect-error: a name that is not in the catalog
    expect(codes.NOT_A_CODE).toBeUndefined();
  });

  it('gives every row a code with its workspace prefix, a kind and a meaning, every code once', () => {
    const rows = errorCatalogRows();
    expect(new Set(rows.map((row) => row.code)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.code).toMatch(/^KUMO_[A-Z0-9_]+$/);
      expect(['permanent', 'transient', 'critical']).toContain(row.kind);
      expect(row.meaning.length).toBeGreaterThan(10);
      // A live code is one of its workspace's constants; a retired one (never raised again) is not.
      expect(Object.values(errorCodesOf(row.workspace)).includes(row.code)).toBe(row.retired !== true);
    }
  });

  it('defineError takes the kind from the catalog; a code outside it does not compile', () => {
    class Eviction extends defineError('KUMO_KEYSPACE_EVICTION_POLICY') {}
    const error = new Eviction('policy is allkeys-lru');
    expect(error).toBeInstanceOf(KumoError);
    expect([error.name, error.code, error.kind, Eviction.kind]).toEqual([
      'Eviction',
      'KUMO_KEYSPACE_EVICTION_POLICY',
      'critical',
      'critical',
    ]);
    expect(errorKind('KUMO_CRAWLER_TIMEOUT')).toBe('transient');
    expectTypeOf<'KUMO_NOT_A_CODE'>().not.toMatchTypeOf<ErrorCode>();
    // @ts-expect-error: not in the catalog (and, if compiled anyway, it has no kind)
    expect(() => defineError('KUMO_NOT_A_CODE')).toThrow(TypeError);
    class Probe extends defineError('KUMO_TEST_PROBE', 'transient') {}
    expect(new Probe('probe').kind).toBe('transient');
  });

  it('renders one table row per code for docs/errors.md', () => {
    const table = renderErrorTable().split('\n');
    expect(table[0]).toBe('| code | kind | where | meaning |');
    expect(table).toContain(
      '| `KUMO_CONFIG_INVALID` | critical | `packages/config` | The environment does not hold a valid configuration. ' +
        'The message lists every bad variable. |',
    );
    expect(table.length).toBe(errorCatalogRows().length + 2);
  });
});
