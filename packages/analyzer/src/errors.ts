import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const AnalyzerErrorCode = errorCodesOf('packages/analyzer');
export type AnalyzerErrorCode = ErrorCodeOf<'packages/analyzer'>;

/**
 * The kuromoji dictionary shipped with the package could not be read or decoded. Without it no page can be
 * analysed, so the process is unusable: `critical` (the worker stops and the supervisor acts).
 */
export class DictionaryError extends defineError(AnalyzerErrorCode.DICTIONARY) {
  readonly dicPath: string;

  constructor(dicPath: string, cause: unknown) {
    super(`Could not load the kuromoji dictionary from ${dicPath}`, { cause });
    this.dicPath = dicPath;
  }
}

/**
 * A kuromoji dictionary file has another size or header than the kuromoji 0.1.2 layout the engine reads (another
 * kuromoji version, a truncated or corrupted file). Critical, like a missing dictionary: no page can be analysed.
 */
export class DictionaryLayoutError extends defineError(AnalyzerErrorCode.DICTIONARY_LAYOUT) {
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

/** An option passed to the analyzer is out of range. A programming error: `permanent`, never retried. */
export class AnalyzerOptionError extends defineError(AnalyzerErrorCode.INVALID_OPTION) {
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/**
 * A `ReportBuilder` method was called in the wrong phase (e.g. `addPage` after `selectKeywords`).
 * A programming error in the aggregate job: `permanent`.
 */
export class ReportPhaseError extends defineError(AnalyzerErrorCode.REPORT_PHASE) {}
