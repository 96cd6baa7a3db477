import { describe, expect, it } from 'vitest';
import { bodyOf, fieldOf, initialValues, validate } from './crawl-form-rules.js';

describe('the start form rules (the contract schema)', () => {
  it('sends one URL per line and leaves empty numbers to the defaults', () => {
    expect(bodyOf({ ...initialValues, urls: ' https://a.jp/ \n\nhttps://b.jp/x', maxDepth: '', maxPages: '' })).toEqual(
      {
        urls: ['https://a.jp/', 'https://b.jp/x'],
        scope: 'same-host',
        analyze: true,
      },
    );
  });

  it.each([
    ['no URL', { urls: '' }, 'urls'],
    ['a URL that is not http(s)', { urls: 'ftp://a.jp/' }, 'urls'],
    ['maxDepth above 10', { urls: 'https://a.jp/', maxDepth: '11' }, 'maxDepth'],
    ['maxDepth not a number', { urls: 'https://a.jp/', maxDepth: 'two' }, 'maxDepth'],
    ['maxPages 0', { urls: 'https://a.jp/', maxPages: '0' }, 'maxPages'],
    ['an include pattern without scheme', { urls: 'https://a.jp/', include: '/blog/**' }, 'include'],
  ])('refuses %s, on its field', (_name, values, field) => {
    const result = validate({ ...initialValues, ...values });
    expect(result.errors).not.toBeNull();
    expect(Object.keys(result.errors ?? {})).toEqual([field]);
  });

  it('accepts what the API accepts', () => {
    const result = validate({ ...initialValues, urls: 'https://a.jp/', maxDepth: '0', include: 'https://a.jp/**' });
    expect(result.errors).toBeNull();
  });

  it("maps a problem's field paths to the form's fields", () => {
    expect(fieldOf('urls.2')).toBe('urls');
    expect(fieldOf('politeness.delayMs')).toBeUndefined();
    expect(fieldOf(['maxPages'])).toBe('maxPages');
  });
});
