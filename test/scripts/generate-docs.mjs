import { writeFileSync } from 'node:fs';
import { README, readReadme, renderedSections, withSections } from './generated-docs.mjs';

const before = readReadme();
const after = withSections(before, await renderedSections());
if (after !== before) writeFileSync(README, after);
console.log(
  after === before ? 'README.md generated sections are up to date' : 'README.md generated sections rewritten',
);
