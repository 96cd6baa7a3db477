import { describe, expect, it } from 'vitest';
import { crawlRequestSchema } from '@kumo/contract';
import { fieldErrors } from './field-errors.js';

describe('fieldErrors', () => {
  it.each([
    [{ urls: [] }, ['urls']],
    [{ urls: ['ftp://x'] }, ['urls.0']],
    [{ urls: ['http://a/'], maxDepth: 11 }, ['maxDepth']],
    [{ urls: ['http://a/'], maxPages: 0 }, ['maxPages']],
    [{ urls: ['http://a/'], scope: 'world' }, ['scope']],
    [{ urls: ['http://a/'], analyze: 'yes' }, ['analyze']],
    [{ urls: ['http://a/'], extra: 1, more: 2 }, ['extra', 'more']],
    [{}, ['urls']],
  ])('%j → %j', (body, paths) => {
    const parsed = crawlRequestSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(fieldErrors(parsed.error).map((error) => error.path)).toEqual(paths);
  });
});
