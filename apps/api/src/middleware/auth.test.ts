import { describe, expect, it } from 'vitest';
import { ApiKeyring, bearerToken, ownerOf } from './auth.js';
import { ApiOptionError } from '../errors.js';

describe('ApiKeyring', () => {
  const keyring = new ApiKeyring(['key-one', 'key-two']);

  it('accepts each configured key and names its owner', () => {
    expect(keyring.verify('key-one')).toBe(ownerOf('key-one'));
    expect(keyring.verify('key-two')).toBe(ownerOf('key-two'));
  });

  it.each(['', 'key-on', 'key-one ', 'KEY-ONE', 'key-three'])('refuses %j', (presented) => {
    expect(keyring.verify(presented)).toBeNull();
  });

  it('gives different keys different owners that do not contain the key', () => {
    expect(ownerOf('key-one')).not.toBe(ownerOf('key-two'));
    expect(ownerOf('key-one')).not.toContain('key-one');
    expect(ownerOf('key-one')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('needs at least one key', () => {
    expect(() => new ApiKeyring([])).toThrow(ApiOptionError);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
