import { createRequire } from 'node:module';

/**
 * The Japanese list of stopwords-iso (npm `stopwords-iso`, MIT; the ISO 639-1 `ja` list, which merges the lists of
 * Slothlib and other corpora): function words, pronouns and empty nouns (こと, もの, ため, よう, …). A floor under the
 * report's statistical weighting, not its mechanism: a term on it is never a keyword.
 */
export const JAPANESE_STOP_WORDS: ReadonlySet<string> = new Set(
  (createRequire(import.meta.url)('stopwords-iso') as { ja: readonly string[] }).ja,
);
