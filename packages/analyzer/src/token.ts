/**
 * One morpheme as kuromoji (IPADIC) reports it. Field names are kuromoji's own; unknown words have `basic_form`
 * `*` and no `reading`.
 */
export interface Token {
  readonly surface_form: string;
  /** Top-level part of speech: 名詞, 動詞, 形容詞, 助詞, 記号, … */
  readonly pos: string;
  readonly pos_detail_1: string;
  readonly pos_detail_2: string;
  readonly pos_detail_3: string;
  readonly conjugated_type: string;
  readonly conjugated_form: string;
  /** Dictionary form, `*` when unknown. */
  readonly basic_form: string;
  /** Katakana reading of the surface form, absent for unknown words. */
  readonly reading?: string | undefined;
  readonly pronunciation?: string | undefined;
  /** `KNOWN` (in the dictionary) or `UNKNOWN`. */
  readonly word_type: string;
  /** kuromoji's id of the dictionary entry (for `UNKNOWN` words: of the character class, shared by many surfaces). */
  readonly word_id?: number;
  /**
   * kuromoji's `word_position`: 1-based code point position of the token in its sentence, plus the `word_position`
   * of the last token of the previous sentences of the same call (kuromoji's arithmetic, not an offset in the text).
   */
  readonly word_position?: number;
}
