import { KumoError } from '@kumo/errors';

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment does not hold a valid configuration. The message lists every bad variable. */
export class ConfigError extends KumoError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  ${issue.variable}: ${issue.message}`);
    super('KUMO_CONFIG_INVALID', `Invalid configuration (${issues.length} problem(s)):\n${lines.join('\n')}`, {
      kind: 'critical',
    });
    this.issues = issues;
  }
}
