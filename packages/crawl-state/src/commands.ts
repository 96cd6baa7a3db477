import { loadCommands, type BoundCommands, type KeyStore } from '@kumo/keyspace';

/** Negative script replies (mirrored from the `Returns:` blocks of the .lua files). */
export enum ScriptCode {
  CrawlNotFound = -1,
}

/** The crawl-state Lua commands (`src/commands/`, copied to `dist/commands` by the build). */
const COMMANDS = loadCommands(new URL('./commands/', import.meta.url), [
  'createCrawl',
  'markRunning',
  'finishCrawl',
  'requestCancel',
  'admitUrls',
  'appendEvent',
  'appendAnalysis',
  'appendDone',
  'putText',
  'takeText',
  'indexCrawl',
  'recordDelivery',
  'putContent',
  'putValidators',
  'previousPage',
  'touchSchedule',
  'claimScheduleRun',
]);

export type CrawlCommands = BoundCommands<keyof typeof COMMANDS>;

/** Binds every crawl-state script to a store. */
export function bindCommands(store: KeyStore): CrawlCommands {
  return store.bindCommands(COMMANDS);
}
