import { z } from 'zod';

export const termSchema = z.object({
  /** Base (dictionary) form. */
  term: z.string(),
  /** Reading in katakana (empty for words without one, e.g. Latin script). */
  reading: z.string(),
  /** IPADIC top-level part of speech: 名詞, 動詞 or 形容詞. */
  pos: z.string(),
  count: z.int(),
  /**
   * The term as most often written on the page, when that differs from `term` (a Latin word's case: `FontForge`,
   * `SSH`); absent otherwise.
   */
  display: z.string().optional(),
});
export type Term = z.infer<typeof termSchema>;

export const phraseCountSchema = z.object({
  phrase: z.string(),
  count: z.int(),
  /** Reading in katakana of a Japanese compound noun, when every part of it has one; absent otherwise. */
  reading: z.string().optional(),
});
export type PhraseCount = z.infer<typeof phraseCountSchema>;

/** The analysis of one page. */
export const analysisSchema = z.object({
  tokens: z.int(),
  terms: z.array(termSchema),
  phrases: z.array(phraseCountSchema),
});
export type Analysis = z.infer<typeof analysisSchema>;
