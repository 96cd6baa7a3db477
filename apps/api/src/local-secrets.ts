import { randomBytes } from 'node:crypto';
import type { Config } from '@kumo/config';

/** Credentials the API runs with: configured, or generated for this run in local (non-production) mode. */
export interface EffectiveSecrets {
  apiKeys: string[];
  board: { user: string; password: string } | undefined;
  /** What was generated (to print once), empty when everything was configured. */
  generated: { apiKey?: string; boardUser?: string; boardPassword?: string };
}

/**
 * Fills in what local mode may generate (CONTRACT.md: "in local mode a generated key, printed at start"). In
 * production `loadConfig` already refused to start without them. Generated values are handed to the worker
 * processes through their environment, so all processes accept the same key.
 */
export function effectiveSecrets(
  config: Pick<Config, 'NODE_ENV' | 'API_KEYS' | 'BOARD_USER' | 'BOARD_PASSWORD'>,
): EffectiveSecrets {
  const generated: EffectiveSecrets['generated'] = {};
  const local = config.NODE_ENV !== 'production';
  let apiKeys = [...(config.API_KEYS ?? [])].filter((key) => key.length > 0);
  if (apiKeys.length === 0 && local) {
    generated.apiKey = `kumo_${randomBytes(24).toString('base64url')}`;
    apiKeys = [generated.apiKey];
  }
  let board: EffectiveSecrets['board'];
  if (config.BOARD_USER && config.BOARD_PASSWORD) board = { user: config.BOARD_USER, password: config.BOARD_PASSWORD };
  else if (local) {
    generated.boardUser = config.BOARD_USER ?? 'admin';
    generated.boardPassword = config.BOARD_PASSWORD ?? randomBytes(12).toString('base64url');
    board = { user: generated.boardUser, password: generated.boardPassword };
  }
  return { apiKeys, board, generated };
}
