import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Glossary, parseUserDictionary, type JapaneseTokenizer } from '@kumo/analyzer';
import { AnalysisJobsOptionsError } from './errors.js';

/**
 * The deployment's user dictionary (`ANALYZER_USER_DICTIONARY`): a `.json` file (an array of `{ term, reading?,
 * pos? }`) or CSV lines `term,reading,pos`, compiled against the process's tokenizer. Undefined without a path;
 * `AnalysisJobsOptionsError` (the worker refuses to start) for a file it cannot read or parse.
 */
export async function loadUserDictionary(
  file: string | undefined,
  tokenizer: JapaneseTokenizer,
): Promise<Glossary | undefined> {
  if (file === undefined || file === '') return undefined;
  try {
    const text = await readFile(file, 'utf8');
    const format = path.extname(file).toLowerCase() === '.json' ? 'json' : 'csv';
    const entries = parseUserDictionary(text, format);
    return entries.length === 0 ? undefined : Glossary.compile(entries, tokenizer);
  } catch (error) {
    throw new AnalysisJobsOptionsError(
      `ANALYZER_USER_DICTIONARY ${file}: ${(error as Error).message ?? String(error)}`,
      { cause: error },
    );
  }
}
