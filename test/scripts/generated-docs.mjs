// Generated sections of README.md: the configuration table (from @kumo/config's zod schema) and the Redis key
// table (from @kumo/keyspace's purpose registry); of docs/architecture.md: the key table (from the key builders of
// every owner); of docs/errors.md: the table of every error code (from @kumo/errors' error catalog).
// `npm run docs:generate` rewrites them; test/integration/docs-in-step.test.ts fails on drift.
import { readFileSync } from 'node:fs';

export const README = new URL('../../README.md', import.meta.url);
export const ARCHITECTURE = new URL('../../docs/architecture.md', import.meta.url);
export const ERRORS = new URL('../../docs/errors.md', import.meta.url);

export async function renderedSections() {
  const { renderConfigTable } = await import('@kumo/config');
  const { renderKeyTable } = await import('@kumo/keyspace');
  return { config: renderConfigTable(), keys: renderKeyTable() };
}

/** docs/architecture.md's generated sections: every key, built by its owner's key builder. */
export async function renderedArchitectureSections() {
  const { KeySpace, renderKeyLayoutTable } = await import('@kumo/keyspace');
  const { crawlKeyTable } = await import('@kumo/crawl-state');
  const { crawlJobsKeyTable } = await import('@kumo/crawl-jobs');
  const { analysisKeyTable } = await import('@kumo/analysis-jobs');
  const { apiKeyTable } = await import('@kumo/api');
  const { queuesKeyTable } = await import('@kumo/queues');
  const tables = [crawlKeyTable, crawlJobsKeyTable, analysisKeyTable, apiKeyTable, queuesKeyTable];
  // Blank lines around the table, as Prettier keeps Markdown (docs/architecture.md is formatted, README.md is not).
  return { 'key-layout': `\n${renderKeyLayoutTable(new KeySpace(), tables)}\n` };
}

/** docs/errors.md's generated section: the error catalog, one row a code. */
export async function renderedErrorSections() {
  const { renderErrorTable } = await import('@kumo/errors');
  return { 'error-codes': renderErrorTable() };
}

const marker = (name, edge) => `<!-- generated:${name}:${edge} (npm run docs:generate; do not edit) -->`;

/** README text with every generated section replaced by `sections`. */
export function withSections(text, sections) {
  let result = text;
  for (const [name, body] of Object.entries(sections)) {
    const start = marker(name, 'start');
    const end = marker(name, 'end');
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from < 0 || to < from) throw new Error(`the document lacks the markers of the generated "${name}" section`);
    result = `${result.slice(0, from + start.length)}\n${body}\n${result.slice(to)}`;
  }
  return result;
}

export function readReadme() {
  return readFileSync(README, 'utf8');
}

export function readArchitecture() {
  return readFileSync(ARCHITECTURE, 'utf8');
}

export function readErrors() {
  return readFileSync(ERRORS, 'utf8');
}
