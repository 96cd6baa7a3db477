import { KumoError } from '@kumo/errors';

/**
 * The kuromoji dictionary shipped with the package could not be read or decoded. Without it no page can be
 * analysed, so the process is unusable: `critical` (the worker stops and the supervisor acts).
 */
export class DictionaryError extends KumoError {
  readonly dicPath: string;

  constructor(dicPath: string, cause: unknown) {
    super('KUMO_ANALYZER_DICTIONARY', `Could not load the kuromoji dictionary from ${dicPath}`, {
      cause,
      kind: 'critical',
    });
    this.dicPath = dicPath;
  }
}

/**
 * A kuromoji dictionary file has another size or header than the kuromoji 0.1.2 layout the engine reads (another
 * kuromoji version, a truncated or corrupted file). Critical, like a missing dictionary: no page can be analysed.
 */
export class DictionaryLayoutError extends KumoError {
  readonly file: string;

  constructor(file: string, message: string) {
    super('KUMO_ANALYZER_DICTIONARY_LAYOUT', `${file}: ${message}`, { kind: 'critical' });
    this.file = file;
  }
}

/** An option passed to the analyzer is out of range. A programming error: `permanent`, never retried. */
export class AnalyzerOptionError extends KumoError {
  readonly option: string;

  constructor(option: string, message: string) {
    super('KUMO_ANALYZER_INVALID_OPTION', message, { kind: 'permanent' });
    this.option = option;
  }
}

/**
 * A `ReportBuilder` method was called in the wrong phase (e.g. `addPage` after `selectKeywords`).
 * A programming error in the aggregate job: `permanent`.
 */
export class ReportPhaseError extends KumoError {
  constructor(message: string) {
    super('KUMO_ANALYZER_REPORT_PHASE', message, { kind: 'permanent' });
  }
}
