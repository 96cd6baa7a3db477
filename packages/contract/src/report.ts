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
});
export type Report = z.infer<typeof reportSchema>;
