import { defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const SampleSiteErrorCode = errorCodesOf('packages/sample-site');
export type SampleSiteErrorCode = ErrorCodeOf<'packages/sample-site'>;

/** The errors that carry just a message (and a cause): class name → code, in the catalog's order. */
export const {
  SampleSiteUsageError,
  SampleSiteDirError,
  SampleSiteEncodingError,
  SampleSiteGeneratorError,
  SampleSiteOptionError,
  SampleSiteListenError,
} = defineErrors({
  /** The command line could not be understood; the message says how to call it. */
  SampleSiteUsageError: SampleSiteErrorCode.CLI_USAGE,
  /** The directory to serve does not exist or is not a directory. */
  SampleSiteDirError: SampleSiteErrorCode.DIR_NOT_FOUND,
  /** Generated text could not be encoded losslessly (a character outside JIS X 0208 slipped into the vocabulary). */
  SampleSiteEncodingError: SampleSiteErrorCode.ENCODING,
  /**
   * The generator broke one of its own invariants (a planned link that resolves elsewhere, a pick from an empty
   * list): a bug in the sample site, never a bad option.
   */
  SampleSiteGeneratorError: SampleSiteErrorCode.GENERATOR_BUG,
  /** An option of generateSite, startSiteServer or the CLI is out of range or missing. The message names it. */
  SampleSiteOptionError: SampleSiteErrorCode.INVALID_OPTION,
  /** The static server could not listen (port taken, bad host). */
  SampleSiteListenError: SampleSiteErrorCode.LISTEN_FAILED,
});
