import { z } from 'zod';

export const keywordSchema = z.object({
  term: z.string(),
  reading: z.string(),
  score: z.number(),
  tf: z.int(),
  df: z.int(),
});
export type Keyword = z.infer<typeof keywordSchema>;

export const reportPhraseSchema = z.object({ phrase: z.string(), count: z.int(), df: z.int() });
export type ReportPhrase = z.infer<typeof reportPhraseSchema>;

export const cooccurrenceSchema = z.object({ a: z.string(), b: z.string(), weight: z.number() });
export type Cooccurrence = z.infer<typeof cooccurrenceSchema>;

/** The written forms of a Japanese keyword: its reading in katakana and hiragana, and its modified Hepburn romaji. */
export const japaneseFormsSchema = z.object({
  base: z.string(),
  katakana: z.string(),
  hiragana: z.string(),
  romaji: z.string(),
});
/** The written forms of a keyword in Latin letters: as written, lower case (`romaji`), and its case variants. */
export const latinFormsSchema = z.object({
  base: z.string(),
  romaji: z.string(),
  upper: z.string().optional(),
  lower: z.string().optional(),
});

export const variationSchema = z.object({
  term: z.string(),
  forms: z.union([japaneseFormsSchema, latinFormsSchema]),
  combos: z.array(z.string()),
});
export type Variation = z.infer<typeof variationSchema>;

export const keywordScoreSchema = z.object({ term: z.string(), score: z.number() });
export type KeywordScore = z.infer<typeof keywordScoreSchema>;

export const keywordChangeSchema = z.object({ term: z.string(), from: z.number(), to: z.number() });
export type KeywordChange = z.infer<typeof keywordChangeSchema>;

/**
 * How the top keywords moved since the previous run of the same schedule: keywords new to the top 100 (`added`, with
 * their score now), gone from it (`removed`, with their score then), and those in both whose score rose or fell
 * (`from` the previous score `to` this one). Each list is ordered by the size of the change, largest first.
 */
export const reportDiffSchema = z.object({
  previousId: z.string(),
  added: z.array(keywordScoreSchema),
  removed: z.array(keywordScoreSchema),
  rising: z.array(keywordChangeSchema),
  falling: z.array(keywordChangeSchema),
});
export type ReportDiff = z.infer<typeof reportDiffSchema>;

/** The crawl's report, built by the aggregate job once every page is done. */
export const reportSchema = z.object({
  id: z.string(),
  pages: z.object({ fetched: z.int(), failed: z.int() }),
  keywords: z.array(keywordSchema),
  phrases: z.array(reportPhraseSchema),
  cooccurrence: z.array(cooccurrenceSchema),
  variations: z.array(variationSchema),
  /** True for a cancelled crawl: the report covers only the pages analysed before the cancel. */
  partial: z.boolean().optional(),
  /**
   * The keyword changes since the previous run (a crawl with a `previousId` whose report is still readable);
   * absent otherwise.
   */
  diff: reportDiffSchema.optional(),
});
export type Report = z.infer<typeof reportSchema>;
