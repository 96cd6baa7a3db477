import { TtlError } from './errors.js';
import type { KeySpace, KumoKey } from './key-space.js';
import { isPurpose, PURPOSES } from './purposes.js';

/**
 * The TTL of a write, required by every write method: milliseconds (a positive integer no larger than the
 * purpose's maximum), or `'default'` for the purpose's default TTL.
 */
export type Ttl = number | 'default';

/** Resolves a TTL for `key` to milliseconds, or throws `TtlError` (before anything is sent). */
export function resolveTtl(keySpace: KeySpace, key: KumoKey, ttl: Ttl | undefined): number {
  const parsed = keySpace.parseKey(key);
  if (!parsed || !isPurpose(parsed.purpose)) {
    throw new TtlError(`cannot write ${String(key).slice(0, 120)}: not a key of a registered purpose`);
  }
  const info = PURPOSES[parsed.purpose];
  if (ttl === 'default') return info.defaultTtlMs;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0) {
    throw new TtlError(`TTL of ${key} must be a positive integer of milliseconds or 'default', got ${String(ttl)}`);
  }
  if (ttl > info.maxTtlMs) {
    throw new TtlError(`TTL of ${key} is ${ttl} ms, above the ${parsed.purpose} maximum of ${info.maxTtlMs} ms`);
  }
  return ttl;
}
