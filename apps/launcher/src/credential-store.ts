import path from 'node:path';
import { readPrivateFile, writePrivateFile } from '@kumo/local-redis';
import type { LocalCredentials, StoredCredentials } from './credentials.js';
import { CredentialsFileError } from './errors.js';

/** The file in the data directory where local mode keeps its generated credentials (mode 0600). */
export function credentialsFile(dataDir: string): string {
  return path.join(dataDir, 'credentials.json');
}

const FIELDS = ['apiKey', 'boardUser', 'boardPassword'] as const;
/** 1-512 characters, no control characters (generated values are base64url; a given board user may be anything). */
const VALUE = /^\P{Cc}{1,512}$/u;

/**
 * The credentials an earlier local run kept: undefined when there is no file. A file that cannot be read or is not
 * what `saveCredentials` wrote is `CredentialsFileError` (never silently replaced: see the error). A file others may
 * read is narrowed to mode 0600 and reported through `widened`.
 */
export function loadCredentials(dataDir: string): { stored: StoredCredentials | undefined; widened: boolean } {
  const file = credentialsFile(dataDir);
  let found: ReturnType<typeof readPrivateFile>;
  try {
    found = readPrivateFile(file);
  } catch (error) {
    throw new CredentialsFileError(file, `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
  if (!found) return { stored: undefined, widened: false };
  let value: unknown;
  try {
    value = JSON.parse(found.text);
  } catch (error) {
    throw new CredentialsFileError(file, 'not valid JSON', { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CredentialsFileError(file, 'not a JSON object');
  }
  const stored: StoredCredentials = {};
  for (const field of FIELDS) {
    const entry = (value as Record<string, unknown>)[field];
    if (entry === undefined) continue;
    if (typeof entry !== 'string' || !VALUE.test(entry)) {
      throw new CredentialsFileError(file, `${field} is not a string of 1-512 characters without control characters`);
    }
    stored[field] = entry;
  }
  if ((stored.boardUser === undefined) !== (stored.boardPassword === undefined)) {
    throw new CredentialsFileError(file, 'boardUser and boardPassword go together');
  }
  return { stored, widened: found.widened };
}

/**
 * Keeps what this start generated for the next one (mode 0600, atomic), on top of what the file held: a run with
 * configured keys does not drop a kept key. Nothing is written when nothing was generated.
 */
export function saveCredentials(
  dataDir: string,
  credentials: LocalCredentials,
  previous: StoredCredentials = {},
): boolean {
  if (!credentials.generated.apiKey && !credentials.generated.board) return false;
  const next: StoredCredentials = { ...previous };
  if (credentials.generated.apiKey) next.apiKey = credentials.apiKeys[0]!;
  if (credentials.generated.board) {
    next.boardUser = credentials.boardUser;
    next.boardPassword = credentials.boardPassword;
  }
  writePrivateFile(credentialsFile(dataDir), `${JSON.stringify(next, null, 2)}\n`);
  return true;
}
