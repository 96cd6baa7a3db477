import { createHash } from 'node:crypto';
import { ANALYSIS_VERSION } from '@kumo/analyzer';
import { analysisSchema, type Analysis } from '@kumo/contract';
import { PURPOSES, type KeySpace, type KeyStore, type KeyTable, type KumoKey } from '@kumo/keyspace';
import { AnalysisCacheEntryError, AnalysisJobsOptionsError } from './errors.js';

/**
 * The hash an analysis is cached under: SHA-256 (hex) of the analyzer's `ANALYSIS_VERSION`, the page text's digest
 * (`pageTextDigest`, which its analyze job carries) and, for a crawl with a glossary, the glossary's fingerprint
 * (terms kept whole change the analysis). An analyzer that reads a text differently misses every entry an older one
 * wrote, instead of serving its readings until the entry expires.
 */
export function analysisCacheHash(textDigest: string, glossaryFingerprint?: string): string {
  const hash = createHash('sha256').update(`kumo-analysis:${ANALYSIS_VERSION}\u0000`).update(textDigest);
  if (glossaryFingerprint !== undefined) hash.update(`\u0000glossary:${glossaryFingerprint}`);
  return hash.digest('hex');
}

/** `<prefix>:cache:analysis:<sha256>`: one `Analysis` per distinct page text, shared by every crawl. */
export function analysisCacheKey(keySpace: KeySpace, hash: string): KumoKey<'cache'> {
  return keySpace.key('cache', 'analysis', hash);
}

/** The analysis stage's row of docs/architecture.md's key table (`npm run docs:generate`). */
export const analysisKeyTable: KeyTable = (keySpace) => [
  {
    key: analysisCacheKey(keySpace, '<sha256>'),
    holds: 'string: an `Analysis` by analyzer version, page text and glossary (SHA-256)',
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
   * The analysis cached under `hash` (`analysisCacheHash` of the text); null on a miss. `AnalysisCacheEntryError` for an
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
