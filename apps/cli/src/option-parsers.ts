import { InvalidArgumentError } from 'commander';

/**
 * A commander argument parser for an integer in [min, max]. Range checks the API also makes are repeated here so a
 * typo fails before any request, with the same bounds as CONTRACT.md.
 */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return parsed;
  };
}

/** A commander argument parser for an absolute http(s) URL. */
export function httpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // fall through to the error below
  }
  throw new InvalidArgumentError('expected an absolute http:// or https:// URL');
}
