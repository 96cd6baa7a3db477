import { defineError } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const ConfigErrorCode = {
  INVALID: 'KUMO_CONFIG_INVALID',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment does not hold a valid configuration. The message lists every bad variable. */
export class ConfigError extends defineError(ConfigErrorCode.INVALID, 'critical') {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  ${issue.variable}: ${issue.message}`);
    super(`Invalid configuration (${issues.length} problem(s)):\n${lines.join('\n')}`);
    this.issues = issues;
  }
}
