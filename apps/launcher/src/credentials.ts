import { randomBytes } from 'node:crypto';

/** Credentials for local mode: what the operator gave, else freshly generated ones (printed in the banner). */
export interface LocalCredentials {
  apiKeys: string[];
  boardUser: string;
  boardPassword: string;
  /** Which of them were generated (so the banner can say so). */
  generated: { apiKey: boolean; board: boolean };
}

/** URL-safe random text of `bytes` bytes of entropy. */
function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Keeps the given API keys and board credentials; generates what is missing (a 32-byte key, a user `admin` and a
 * 16-byte password). Board user and password are generated together, so a half-given pair is completed, not replaced.
 */
export function resolveCredentials(given: {
  apiKeys?: readonly string[] | undefined;
  boardUser?: string | undefined;
  boardPassword?: string | undefined;
}): LocalCredentials {
  const apiKeys = given.apiKeys && given.apiKeys.length > 0 ? [...given.apiKeys] : [`kumo_${token(32)}`];
  return {
    apiKeys,
    boardUser: given.boardUser ?? 'admin',
    boardPassword: given.boardPassword ?? token(16),
    generated: {
      apiKey: !(given.apiKeys && given.apiKeys.length > 0),
      board: given.boardUser === undefined || given.boardPassword === undefined,
    },
  };
}
