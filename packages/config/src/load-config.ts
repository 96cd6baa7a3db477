import { type Config, configSchema } from './schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';

const knownVariables = new Set(Object.keys(configSchema.shape));

/**
 * Parses and validates the configuration once. Empty strings count as unset, so `FOO=` falls back to the default.
 * Throws a ConfigError naming every bad variable; the result is deeply frozen.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const name of knownVariables) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(root)'),
      message: issue.message,
    }));
    throw new ConfigError(issues);
  }
  const config = parsed.data;
  const issues: ConfigIssue[] = [];
  if (config.NODE_ENV === 'production') {
    if (!config.API_KEYS || config.API_KEYS.length === 0)
      issues.push({ variable: 'API_KEYS', message: 'required when NODE_ENV=production' });
    if (!config.BOARD_USER) issues.push({ variable: 'BOARD_USER', message: 'required when NODE_ENV=production' });
    if (!config.BOARD_PASSWORD)
      issues.push({ variable: 'BOARD_PASSWORD', message: 'required when NODE_ENV=production' });
  }
  if ((config.BOARD_VIEWER_USER === undefined) !== (config.BOARD_VIEWER_PASSWORD === undefined)) {
    const missing = config.BOARD_VIEWER_USER === undefined ? 'BOARD_VIEWER_USER' : 'BOARD_VIEWER_PASSWORD';
    issues.push({ variable: missing, message: 'required with the other BOARD_VIEWER_ variable' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(config);
}

/** For a process's entry point: load the configuration or print every problem and exit 78 (EX_CONFIG). */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
