import { createHash } from 'node:crypto';
import { analysisSchema, type Analysis } from '@kumo/contract';
import type { CacheCodec, KeySpace, KumoKey } from '@kumo/keyspace';
import { AnalysisCacheEntryError } from './errors.js';

/** The content hash an analysis is cached under: SHA-256 of the page text (UTF-8), in hex. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `<prefix>:cache:analysis:<sha256>`: one `Analysis` per distinct page text, shared by every crawl. */
export function analysisCacheKey(keySpace: KeySpace, hash: string): KumoKey<'cache'> {
  return keySpace.key('cache', 'analysis', hash);
}

/**
 * How analyses are stored in the cache: JSON, checked against the contract's schema when read back, so an entry of
 * an older layout (or a damaged one) surfaces as `AnalysisCacheEntryError` instead of a wrong report.
 */
export const analysisCodec: CacheCodec<Analysis> = {
  serialize: (analysis) => JSON.stringify(analysis),
  parse(text) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new AnalysisCacheEntryError('cached analysis is not JSON', error);
    }
    const parsed = analysisSchema.safeParse(value);
    if (!parsed.success) {
      throw new AnalysisCacheEntryError(`cached analysis does not match the Analysis schema: ${parsed.error.message}`);
    }
    return parsed.data;
  },
};
