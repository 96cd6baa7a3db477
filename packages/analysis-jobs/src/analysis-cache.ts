import { createHash } from 'node:crypto';
import { analysisSchema, type Analysis } from '@kumo/contract';
import { PURPOSES, type KeySpace, type KeyStore, type KeyTable, type KumoKey } from '@kumo/keyspace';
import { AnalysisCacheEntryError, AnalysisJobsOptionsError } from './errors.js';

/** The content hash an analysis is cached under: SHA-256 of the page text (UTF-8), in hex. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `<prefix>:cache:analysis:<sha256>`: one `Analysis` per distinct page text, shared by every crawl. */
export function analysisCacheKey(keySpace: KeySpace, hash: string): KumoKey<'cache'> {
  return keySpace.key('cache', 'analysis', hash);
}

/** The analysis stage's row of docs/architecture.md's key table (`npm run docs:generate`). */
export const analysisKeyTable: KeyTable = (keySpace) => [
  {
    key: analysisCacheKey(keySpace, '<sha256>'),
    holds: 'string: an `Analysis` by content hash',
    writtenBy: 'analyze',
    readBy: 'analyze',
  },
];

/**
 * How analyses are stored in the cache: JSON, checked against the contract's schema when read back, so an entry of
 * an older layout (or a damaged one) surfaces as `AnalysisCacheEntryError` instead of a wrong report.
 */
export const analysisCodec: { serialize(analysis: Analysis): string; parse(text: string): Analysis } = {
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

export interface AnalysisCacheOptions {
  /** TTL of `cache:analysis:<sha256>` entries in ms (`CACHE_TTL_S` × 1000). Required. */
  cacheTtlMs: number;
}

/**
 * Analyses by content hash (`cache:analysis:<sha256>`), shared by every crawl, so identical page texts are tokenised
 * once while the entry lives.
 */
export class AnalysisCache {
  private readonly ttlMs: number;

  constructor(
    private readonly store: KeyStore,
    options: AnalysisCacheOptions,
  ) {
    const value: unknown = options.cacheTtlMs;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > PURPOSES.cache.maxTtlMs) {
      throw new AnalysisJobsOptionsError(
        `cacheTtlMs must be a positive integer of milliseconds up to ${PURPOSES.cache.maxTtlMs}, got ${String(value)}`,
      );
    }
    this.ttlMs = value;
  }

  /**
   * The analysis cached under `hash` (`contentHash` of the text); null on a miss. `AnalysisCacheEntryError` for an
   * entry that is damaged or of an older layout (the caller recomputes it and `put` replaces it).
   */
  async get(hash: string): Promise<Analysis | null> {
    const entry = await this.store.get(analysisCacheKey(this.store.keySpace, hash));
    return entry === null ? null : analysisCodec.parse(entry);
  }

  /** Caches `analysis` under `hash` for the cache TTL (replacing any entry). */
  async put(hash: string, analysis: Analysis): Promise<void> {
    await this.store.set(analysisCacheKey(this.store.keySpace, hash), analysisCodec.serialize(analysis), this.ttlMs);
  }
}
