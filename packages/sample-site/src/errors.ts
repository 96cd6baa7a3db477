import { defineError } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const SampleSiteErrorCode = {
  INVALID_OPTION: 'KUMO_SAMPLE_SITE_INVALID_OPTION',
  ENCODING: 'KUMO_SAMPLE_SITE_ENCODING',
  DIR_NOT_FOUND: 'KUMO_SAMPLE_SITE_DIR_NOT_FOUND',
  LISTEN_FAILED: 'KUMO_SAMPLE_SITE_LISTEN_FAILED',
  CLI_USAGE: 'KUMO_SAMPLE_SITE_CLI_USAGE',
  GENERATOR_BUG: 'KUMO_SAMPLE_SITE_GENERATOR_BUG',
} as const;
export type SampleSiteErrorCode = (typeof SampleSiteErrorCode)[keyof typeof SampleSiteErrorCode];

/** An option of generateSite, startSiteServer or the CLI is out of range or missing. The message names it. */
export class SampleSiteOptionError extends defineError(SampleSiteErrorCode.INVALID_OPTION, 'permanent') {}

/** Generated text could not be encoded losslessly (a character outside JIS X 0208 slipped into the vocabulary). */
export class SampleSiteEncodingError extends defineError(SampleSiteErrorCode.ENCODING, 'permanent') {}

/** The directory to serve does not exist or is not a directory. */
export class SampleSiteDirError extends defineError(SampleSiteErrorCode.DIR_NOT_FOUND, 'permanent') {}

/** The static server could not listen (port taken, bad host). */
export class SampleSiteListenError extends defineError(SampleSiteErrorCode.LISTEN_FAILED, 'transient') {}

/** The command line could not be understood; the message says how to call it. */
export class SampleSiteUsageError extends defineError(SampleSiteErrorCode.CLI_USAGE, 'permanent') {}

/**
 * The generator broke one of its own invariants (a planned link that resolves elsewhere, a pick from an empty list):
 * a bug in the sample site, never a bad option.
 */
export class SampleSiteGeneratorError extends defineError(SampleSiteErrorCode.GENERATOR_BUG, 'permanent') {}
