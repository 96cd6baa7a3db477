import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineErrors } from './define-errors.js';
import { KumoError } from './kumo-error.js';

describe('defineErrors', () => {
  const { TtlError, EvictionPolicyError } = defineErrors({
    TtlError: 'KUMO_KEYSPACE_TTL',
    EvictionPolicyError: 'KUMO_KEYSPACE_EVICTION_POLICY',
  });

  it('builds one class per row, named after its key, with the code and kind of its catalog row', () => {
    const error = new TtlError('ttl must be positive', { cause: 'why' });
    expect(error).toBeInstanceOf(TtlError);
    expect(error).toBeInstanceOf(KumoError);
    expect(error).not.toBeInstanceOf(EvictionPolicyError);
    expect([error.name, error.code, error.kind, error.message, error.cause]).toEqual([
      'TtlError',
      'KUMO_KEYSPACE_TTL',
      'permanent',
      'ttl must be positive',
      'why',
    ]);
    expect([TtlError.name, TtlError.code, EvictionPolicyError.kind]).toEqual([
      'TtlError',
      'KUMO_KEYSPACE_TTL',
      'critical',
    ]);
    expectTypeOf(error.code).toEqualTypeOf<'KUMO_KEYSPACE_TTL'>();
  });

  it('refuses, at compile time, a code outside the catalog and a class name without Error', () => {
    // @ts-expect-error: not in the catalog (and, if compiled anyway, it has no kind)
    expect(() => defineErrors({ TtlError: 'KUMO_KEYSPACE_NOT_A_CODE' })).toThrow(TypeError);
    // @ts-expect-error: a class name ends in Error
    defineErrors({ Ttl: 'KUMO_KEYSPACE_TTL' });
  });
});
