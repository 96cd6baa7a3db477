import { SampleSiteOptionError } from './errors.js';
import { fnv1a32 } from './prng.js';

/**
 * Misbehaviour for resilience tests. Each `…Every: n` selects about one path in n, by a hash of the path (with a
 * salt per fault, so the subsets differ): the same paths misbehave on every run, whatever the request order.
 * A path gets at most one fault, checked in the order drop, error, garbage; `slowMs` combines with them.
 */
export interface SiteFaults {
  /** Delay before answering a selected path, in ms. Default `0` (no delay). */
  slowMs?: number;
  /** Which paths `slowMs` applies to: one in n. Default `1` (every path). */
  slowEvery?: number;
  /** One path in n has its connection destroyed without an answer. Default: off. */
  dropEvery?: number;
  /** One path in n answers `503` with `Retry-After: 1`. Default: off. */
  errorEvery?: number;
  /** One path in n answers `200 text/html` with 2 KiB of random bytes. Default: off. */
  garbageEvery?: number;
  /** How many requests to a selected path misbehave before it is served normally. Default: every request. */
  times?: number;
  /** Paths never faulted. Default `['/robots.txt']`. */
  exempt?: string[];
}

export type SiteFaultKind = 'drop' | 'error' | 'garbage';

const KINDS: Array<[SiteFaultKind, 'dropEvery' | 'errorEvery' | 'garbageEvery']> = [
  ['drop', 'dropEvery'],
  ['error', 'errorEvery'],
  ['garbage', 'garbageEvery'],
];

function selected(path: string, salt: string, every: number | undefined): boolean {
  return every !== undefined && fnv1a32(`${salt}:${path}`) % every === 0;
}

export function validateFaults(faults: SiteFaults): void {
  for (const key of ['slowEvery', 'dropEvery', 'errorEvery', 'garbageEvery', 'times'] as const) {
    const value = faults[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new SampleSiteOptionError(`faults.${key} must be a positive integer (got ${String(value)})`);
    }
  }
  if (faults.slowMs !== undefined && (!Number.isFinite(faults.slowMs) || faults.slowMs < 0)) {
    throw new SampleSiteOptionError(`faults.slowMs must be a non-negative number (got ${String(faults.slowMs)})`);
  }
}

/** The fault a path is selected for, ignoring `times`; null when it is served normally. */
export function faultOf(faults: SiteFaults | undefined, path: string): SiteFaultKind | null {
  if (!faults || (faults.exempt ?? ['/robots.txt']).includes(path)) return null;
  for (const [kind, key] of KINDS) if (selected(path, kind, faults[key])) return kind;
  return null;
}

/** The delay before answering a path, in ms. */
export function delayOf(faults: SiteFaults | undefined, path: string): number {
  if (!faults?.slowMs || (faults.exempt ?? ['/robots.txt']).includes(path)) return 0;
  return selected(path, 'slow', faults.slowEvery ?? 1) ? faults.slowMs : 0;
}
