import { z } from 'zod';

/** An absolute `http:` or `https:` URL of at most `maxLength` characters (seeds, webhook targets). */
export function httpUrlSchema(maxLength = 2048) {
  return z
    .string()
    .max(maxLength)
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
        } catch {
          return false;
        }
      },
      { message: 'must be an absolute http or https URL' },
    );
}
