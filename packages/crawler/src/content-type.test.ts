import { describe, expect, it } from 'vitest';
import { looksLikeHtml, parseContentType } from './content-type.js';

describe('parseContentType', () => {
  it.each([
    ['text/html', { mime: 'text/html' }],
    ['Text/HTML; Charset=Shift_JIS', { mime: 'text/html', charset: 'Shift_JIS' }],
    ['text/html; charset="euc-jp"', { mime: 'text/html', charset: 'euc-jp' }],
    ['application/xhtml+xml;charset=utf-8;q=1', { mime: 'application/xhtml+xml', charset: 'utf-8' }],
    ['text/html; charset=', { mime: 'text/html' }],
    ['', undefined],
    ['html', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });
});

describe('looksLikeHtml', () => {
  it.each([
    ['<!DOCTYPE html><html>', true],
    ['\ufeff  \n<HTML lang="ja">', true],
    ['<html>', true],
    ['<p>hello', true],
    ['<!-- comment -->', true],
    ['<a href="x">', true],
    ['<abbr>', false],
    ['%PDF-1.4', false],
    ['plain text', false],
    ['{"json": true}', false],
    ['', false],
  ])('%j → %s', (head, expected) => {
    expect(looksLikeHtml(Buffer.from(head))).toBe(expected);
  });
});
