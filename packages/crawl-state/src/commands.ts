import { readFileSync } from 'node:fs';
import { loadScript, type KeyStore, type KumoScript } from '@kumo/keyspace';

/** Negative script replies (mirrored from the `Returns:` blocks of the .lua files). */
export enum ScriptCode {
  CrawlNotFound = -1,
}

const INCLUDE = /^-- @include ([a-z0-9-]+)$/gm;

/** Reads `commands/<name>-<numKeys>.lua`, expanding `-- @include <piece>` lines from `commands/includes/`. */
function loadCommand(file: string) {
  const definition = loadScript(new URL(`./commands/${file}`, import.meta.url));
  const lua = definition.lua.replace(INCLUDE, (_line, piece: string) =>
    readFileSync(new URL(`./commands/includes/${piece}.lua`, import.meta.url), 'utf8'),
  );
  return { ...definition, lua };
}

const DEFINITIONS = {
  createCrawl: loadCommand('create-crawl-1.lua'),
  markRunning: loadCommand('mark-running-1.lua'),
  finishCrawl: loadCommand('finish-crawl-1.lua'),
  requestCancel: loadCommand('request-cancel-1.lua'),
  admitUrls: loadCommand('admit-urls-2.lua'),
  appendPage: loadCommand('append-page-4.lua'),
  appendAnalysis: loadCommand('append-analysis-4.lua'),
  appendDone: loadCommand('append-done-2.lua'),
  putText: loadCommand('put-text-2.lua'),
  takeText: loadCommand('take-text-2.lua'),
};

export type CrawlCommands = Record<keyof typeof DEFINITIONS, KumoScript>;

/** Binds every crawl-state script to a store. */
export function bindCommands(store: KeyStore): CrawlCommands {
  const bound = {} as CrawlCommands;
  for (const [name, definition] of Object.entries(DEFINITIONS)) {
    bound[name as keyof CrawlCommands] = store.defineScript(definition);
  }
  return bound;
}
