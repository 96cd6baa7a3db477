export {
  loadTokenizer,
  defaultDictionaryPath,
  type JapaneseTokenizer,
  type Token,
  type TokenizeOptions,
  type Homograph,
} from './tokenizer.js';
export type { WordPath } from './word-path.js';
export {
  analyzeText,
  ANALYSIS_VERSION,
  DEFAULT_MAX_TERMS,
  DEFAULT_MAX_PHRASES,
  type AnalyzeOptions,
} from './analyze-page.js';
export { warmUp, type WarmUpResult } from './warm-up.js';
export { ReportBuilder, formsOf, type ReportBuilderOptions } from './report-builder.js';
export { diffKeywords, DIFF_KEYWORDS } from './report-diff.js';
export { toHepburn } from './romaji.js';
export { Glossary, parseUserDictionary, GLOSSARY_POS, type GlossaryEntry } from './glossary.js';
export { JAPANESE_STOP_WORDS } from './stop-words.js';
export { splitIntoChunks, DEFAULT_MAX_CHUNK_CHARS, MIN_MAX_CHUNK_CHARS } from './chunk-text.js';
export { LIGHT_VERBS, LIGHT_ADJECTIVES } from './content-words.js';
export { ENGLISH_STOP_WORDS } from './english-stop-words.js';
export { TOKENIZE_CHANNEL, DICTIONARY_CHANNEL, type TokenizeEvent, type DictionaryLoadEvent } from './diagnostics.js';
export { DictionaryError, AnalyzerOptionError, ReportPhaseError, AnalyzerErrorCode } from './errors.js';
