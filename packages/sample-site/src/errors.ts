import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const SampleSiteErrorCode = errorCodesOf('packages/sample-site');
export type SampleSiteErrorCode = ErrorCodeOf<'packages/sample-site'>;

/** An option of generateSite, startSiteServer or the CLI is out of range or missing. The message names it. */
export class SampleSiteOptionError extends defineError(SampleSiteErrorCode.INVALID_OPTION) {}

/** Generated text could not be encoded losslessly (a character outside JIS X 0208 slipped into the vocabulary). */
export class SampleSiteEncodingError extends defineError(SampleSiteErrorCode.ENCODING) {}

/** The directory to serve does not exist or is not a directory. */
export class SampleSiteDirError extends defineError(SampleSiteErrorCode.DIR_NOT_FOUND) {}

/** The static server could not listen (port taken, bad host). */
export class SampleSiteListenError extends defineError(SampleSiteErrorCode.LISTEN_FAILED) {}

/** The command line could not be understood; the message says how to call it. */
export class SampleSiteUsageError extends defineError(SampleSiteErrorCode.CLI_USAGE) {}

/**
 * The generator broke one of its own invariants (a planned link that resolves elsewhere, a pick from an empty list):
 * a bug in the sample site, never a bad option.
 */
export class SampleSiteGeneratorError extends defineError(SampleSiteErrorCode.GENERATOR_BUG) {}
