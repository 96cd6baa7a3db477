import type { KeySpace, KeyTable, KumoKey } from '@kumo/keyspace';

/** `ratelimit:api:<owner>:<window>` counter: an API key's requests in one fixed window, shared by every process. */
export function rateLimitKey(keySpace: KeySpace, owner: string, window: number | string): KumoKey<'ratelimit'> {
  return keySpace.key('ratelimit', 'api', owner, String(window));
}

/** The API's row of docs/architecture.md's key table (`npm run docs:generate`). */
export const apiKeyTable: KeyTable = (keySpace) => [
  {
    key: rateLimitKey(keySpace, '<owner>', '<window>'),
    holds: 'counter: requests of an API key in one window',
    writtenBy: 'api',
    readBy: 'api',
  },
];
