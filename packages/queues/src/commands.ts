import { loadCommands } from '@kumo/keyspace';

/** The package's Lua commands (`commands/*.lua`), loaded once. */
export const COMMANDS = loadCommands(new URL('./commands/', import.meta.url), [
  'keepJobLock',
  'claimFetchWatch',
  'releaseFetchWatch',
  'wakeFetchWatchers',
]);
