// A tokenizer that offers only some of the routes `analyzeText` can take, to compare the routes' analyses.
import type { JapaneseTokenizer } from '../tokenizer.js';

export interface Routes {
  /** `tokenizeChunksShared`. */
  shared?: boolean;
  /** `tokenizeChunksPath`. */
  paths?: boolean;
}

/**
 * `tokenizer` with its ordinary tokens and its homographs' readings, and its shared tokens or word paths only where
 * `routes` asks for them (as a tokenizer from elsewhere, or a wrapper, would offer them).
 */
export function withRoutes(tokenizer: JapaneseTokenizer, routes: Routes = {}): JapaneseTokenizer {
  const only: JapaneseTokenizer = {
    tokenize: (text, options) => tokenizer.tokenize(text, options),
    tokenizeAsync: (text, options) => tokenizer.tokenizeAsync(text, options),
    tokenizeChunks: (text, options) => tokenizer.tokenizeChunks(text, options),
    homographReadings: (wordId) => tokenizer.homographReadings?.(wordId) ?? [],
  };
  const { tokenizeChunksShared, tokenizeChunksPath } = tokenizer;
  if (routes.shared === true && tokenizeChunksShared !== undefined) {
    only.tokenizeChunksShared = (text, options) => tokenizeChunksShared.call(tokenizer, text, options);
  }
  if (routes.paths === true && tokenizeChunksPath !== undefined) {
    only.tokenizeChunksPath = (text, options) => tokenizeChunksPath.call(tokenizer, text, options);
  }
  return only;
}
