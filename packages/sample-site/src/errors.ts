import { KumoError } from '@kumo/errors';

/** An option of generateSite, startSiteServer or the CLI is out of range or missing. The message names it. */
export class SampleSiteOptionError extends KumoError {
  constructor(message: string) {
    super('KUMO_SAMPLE_SITE_INVALID_OPTION', message, { kind: 'permanent' });
  }
}

/** Generated text could not be encoded losslessly (a character outside JIS X 0208 slipped into the vocabulary). */
export class SampleSiteEncodingError extends KumoError {
  constructor(message: string) {
    super('KUMO_SAMPLE_SITE_ENCODING', message, { kind: 'permanent' });
  }
}

/** The directory to serve does not exist or is not a directory. */
export class SampleSiteDirError extends KumoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KUMO_SAMPLE_SITE_DIR_NOT_FOUND', message, { ...options, kind: 'permanent' });
  }
}

/** The static server could not listen (port taken, bad host). */
export class SampleSiteListenError extends KumoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KUMO_SAMPLE_SITE_LISTEN_FAILED', message, { ...options, kind: 'transient' });
  }
}

/** The command line could not be understood; the message says how to call it. */
export class SampleSiteUsageError extends KumoError {
  constructor(message: string) {
    super('KUMO_SAMPLE_SITE_CLI_USAGE', message, { kind: 'permanent' });
  }
}
