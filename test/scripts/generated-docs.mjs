// Generated sections of README.md: the configuration table (from @kumo/config's zod schema) and the Redis key
// table (from @kumo/keyspace's purpose registry). `npm run docs:generate` rewrites them; a test fails on drift.
import { readFileSync } from 'node:fs';

export const README = new URL('../../README.md', import.meta.url);

export async function renderedSections() {
  const { renderConfigTable } = await import('@kumo/config');
  const { renderKeyTable } = await import('@kumo/keyspace');
  return { config: renderConfigTable(), keys: renderKeyTable() };
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
    if (from < 0 || to < from) throw new Error(`README.md lacks the markers of the generated "${name}" section`);
    result = `${result.slice(0, from + start.length)}\n${body}\n${result.slice(to)}`;
  }
  return result;
}

export function readReadme() {
  return readFileSync(README, 'utf8');
}
