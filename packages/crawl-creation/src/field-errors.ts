import type { z } from 'zod';
import type { FieldError } from './errors.js';

/**
 * zod issues as the problem's `errors`: one entry per issue with a dotted path (`urls.0`, `maxDepth`), and one per
 * unknown field (zod reports those as one issue on the parent, listing the keys).
 */
export function fieldErrors(error: z.ZodError): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: [...base, key].join('.'), message: 'unknown field' });
    } else {
      errors.push({ path: base.join('.'), message: issue.message });
    }
  }
  return errors;
}
