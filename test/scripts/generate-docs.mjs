import { writeFileSync } from 'node:fs';
import {
  ARCHITECTURE,
  ERRORS,
  README,
  readArchitecture,
  readErrors,
  readReadme,
  renderedArchitectureSections,
  renderedErrorSections,
  renderedSections,
  withSections,
} from './generated-docs.mjs';

for (const [name, file, read, render] of [
  ['README.md', README, readReadme, renderedSections],
  ['docs/architecture.md', ARCHITECTURE, readArchitecture, renderedArchitectureSections],
  ['docs/errors.md', ERRORS, readErrors, renderedErrorSections],
]) {
  const before = read();
  const after = withSections(before, await render());
  if (after !== before) writeFileSync(file, after);
  console.log(after === before ? `${name} generated sections are up to date` : `${name} generated sections rewritten`);
}
