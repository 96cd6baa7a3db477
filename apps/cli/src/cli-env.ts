import { z } from 'zod';
import { CliUsageError } from './errors.js';

/** The default API base URL: what `npm start` listens on with the default `API_PORT`. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

const cliEnvSchema = z.object({
  /** Base URL of the kumo API. Default `http://127.0.0.1:3000`. */
  KUMO_API_URL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(DEFAULT_API_URL),
  /** API key sent as `Authorization: Bearer <key>`. Default: none (the API then answers 401). */
  KUMO_API_KEY: z.string().min(1).optional(),
});

/** The flag that overrides each variable, named in error messages. */
const FLAG_OF: Record<string, string> = { KUMO_API_URL: '--api-url/', KUMO_API_KEY: '--api-key/' };

/** The CLI's own settings, read from its environment. */
export type CliEnv = z.output<typeof cliEnvSchema>;

/**
 * Reads KUMO_API_URL and KUMO_API_KEY. These are client settings, not settings of a kumo service, so they are
 * deliberately not part of @kumo/config's schema (which documents what the services read). Empty values count as
 * unset, as in @kumo/config.
 */
export function readCliEnv(env: Record<string, string | undefined>): CliEnv {
  const input: Record<string, string> = {};
  for (const name of ['KUMO_API_URL', 'KUMO_API_KEY'] as const) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = cliEnvSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${FLAG_OF[String(issue.path[0])] ?? ''}${String(issue.path[0])}: ${issue.message}`,
    );
    throw new CliUsageError(`invalid setting ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The process environment. The CLI is a client, not a kumo service: it reads its two settings here. */
export function processEnv(): Record<string, string | undefined> {
  // eslint-disable-next-line no-restricted-properties -- the CLI is a client, not a kumo service: KUMO_API_URL/KUMO_API_KEY are not in @kumo/config, and keys audit hands this env to loadConfig.
  return process.env;
}
