import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const ConfigErrorCode = errorCodesOf('packages/config');
export type ConfigErrorCode = ErrorCodeOf<'packages/config'>;

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment does not hold a valid configuration. The message lists every bad variable. */
export class ConfigError extends defineError(ConfigErrorCode.INVALID) {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  ${issue.variable}: ${issue.message}`);
    super(`Invalid configuration (${issues.length} problem(s)):\n${lines.join('\n')}`);
    this.issues = issues;
  }
}
