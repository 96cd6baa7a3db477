// The key space: the name of every kumo key (`KeySpace`, hash tags, crawl buckets) and the TTL a write may set on it
// (`resolveTtl`, within its purpose's bounds).
import { CrossSlotError, InvalidKeyError, TtlError, UnknownPurposeError } from './errors.js';
import { isPurpose, PURPOSES, QUEUE_SEGMENT, type Purpose, type PurposeInfo } from './purposes.js';

declare const kumoKeyBrand: unique symbol;

/**
 * A Redis key built by `KeySpace`. The brand makes a plain string unusable where a key is expected, so every key
 * name goes through one builder; `P` records the purpose, and `KeySpace.parseKey` recovers its TTL bounds.
 */
export type KumoKey<P extends Purpose = Purpose> = string & { readonly [kumoKeyBrand]: P };

/** Number of crawl buckets (`{b:00}` … `{b:63}`). Changing it moves every crawl's keys: never change it. */
export const CRAWL_BUCKETS = 64;

/** What a key name tells about itself. */
export interface ParsedKey {
  readonly key: string;
  readonly prefix: string;
  /** The second segment: a registered purpose, `bull`, or something unknown (an audit finding). */
  readonly purpose: string;
  /** The purpose's TTL bounds; undefined for `bull` and unknown purposes. */
  readonly info: PurposeInfo | undefined;
  /** The hash tag's content (`b:07`, `h:example.com`, `q`), or null when the key has none. */
  readonly tag: string | null;
  /** The segments after the purpose (the tag included, as `{b:07}`), split on `:`. */
  readonly rest: string;
}

export interface KeySpaceOptions {
  /** First segment of every key (`KUMO_PREFIX`): 1-32 letters, digits, `_` or `-`. Default `kumo`. */
  prefix?: string;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** A segment longer than this is almost certainly a bug (a whole page instead of its URL). */
const MAX_SEGMENT_LENGTH = 1024;

/** Redis Cluster's hash tag rule: the content between the first `{` and the next `}`, when not empty. */
export function tagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open === -1) return null;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return null;
  return key.slice(open + 1, close);
}

/** Throws `CrossSlotError` unless every key carries the same hash tag (one key needs none). */
export function assertOneTag(keys: readonly string[], what: string): void {
  if (keys.length < 2) return;
  const first = tagOf(keys[0]!);
  for (const key of keys) {
    const tag = tagOf(key);
    if (first === null || tag !== first) {
      throw new CrossSlotError(
        `${what}: all keys must share one hash tag for Redis Cluster, got ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
      );
    }
  }
}

const encoder = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as an unsigned integer. Stable across processes and versions. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The bucket (0-63) of a crawl: `fnv1a32(crawlId) % 64`. All keys of one crawl carry the tag `{b:NN}`. */
export function crawlBucket(crawlId: string): number {
  return fnv1a32(crawlId) % CRAWL_BUCKETS;
}

function bucketTag(bucket: number): string {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= CRAWL_BUCKETS) {
    throw new InvalidKeyError(`bucket must be an integer from 0 to ${CRAWL_BUCKETS - 1}, got ${String(bucket)}`);
  }
  return `{b:${String(bucket).padStart(2, '0')}}`;
}

function checkSegment(segment: unknown, what: string): string {
  if (typeof segment !== 'string' || segment.length === 0) {
    throw new InvalidKeyError(`${what} must be a non-empty string`);
  }
  if (segment.includes('{') || segment.includes('}')) {
    throw new InvalidKeyError(`${what} must not contain '{' or '}' (only the hash tag does): ${segment.slice(0, 80)}`);
  }
  if (segment.length > MAX_SEGMENT_LENGTH) {
    throw new InvalidKeyError(`${what} is longer than ${MAX_SEGMENT_LENGTH} characters: ${segment.slice(0, 80)}…`);
  }
  return segment;
}

/**
 * Builds every kumo key name (BullMQ's `QueueKeys` idea): call sites never concatenate strings. Layouts:
 * - `key(purpose, ...segments)` → `<prefix>:<purpose>:<segments…>` (no hash tag: single-key use only)
 * - `crawlKey(purpose, crawlId, name, ...more)` → `<prefix>:<purpose>:{b:NN}:<name>:<crawlId>[:<more…>]`
 * - `hostKey(purpose, host, name, ...more)` → `<prefix>:<purpose>:{h:<host>}:<name>[:<more…>]`
 * - `bucketWakeKey(bucket)` → `<prefix>:result:{b:NN}:wake`
 * - `queuePrefix()` → `<prefix>:bull:{q}` (BullMQ's `prefix`: one hash tag for every queue, so flows work)
 */
export class KeySpace {
  /** The first segment of every key. */
  readonly prefix: string;

  constructor(options: KeySpaceOptions = {}) {
    const prefix = options.prefix ?? 'kumo';
    if (!PREFIX_PATTERN.test(prefix)) {
      throw new InvalidKeyError(`prefix must be 1-32 letters, digits, _ or -, got ${JSON.stringify(prefix)}`);
    }
    this.prefix = prefix;
  }

  /** A key without hash tag: `<prefix>:<purpose>:<segments…>`. */
  key<P extends Purpose>(purpose: P, ...segments: [string, ...string[]]): KumoKey<P> {
    this.checkPurpose(purpose);
    if (segments.length === 0) throw new InvalidKeyError('a key needs at least one segment after its purpose');
    const parts = segments.map((segment, index) => checkSegment(segment, `key segment ${index + 1}`));
    return [this.prefix, purpose, ...parts].join(':') as KumoKey<P>;
  }

  /** A key of one crawl, tagged with the crawl's bucket: `<prefix>:<purpose>:{b:NN}:<name>:<crawlId>[:<more…>]`. */
  crawlKey<P extends Purpose>(purpose: P, crawlId: string, name: string, ...more: string[]): KumoKey<P> {
    this.checkPurpose(purpose);
    checkSegment(crawlId, 'crawl id');
    checkSegment(name, 'key name');
    more.forEach((segment, index) => checkSegment(segment, `key segment ${index + 3}`));
    return [this.prefix, purpose, bucketTag(crawlBucket(crawlId)), name, crawlId, ...more].join(':') as KumoKey<P>;
  }

  /** A key of one host, tagged by host: `<prefix>:<purpose>:{h:<host>}:<name>[:<more…>]`. */
  hostKey<P extends Purpose>(purpose: P, host: string, name: string, ...more: string[]): KumoKey<P> {
    this.checkPurpose(purpose);
    checkSegment(host, 'host');
    checkSegment(name, 'key name');
    more.forEach((segment, index) => checkSegment(segment, `key segment ${index + 3}`));
    return [this.prefix, purpose, `{h:${host}}`, name, ...more].join(':') as KumoKey<P>;
  }

  /** The wake-up stream of a bucket (`<prefix>:result:{b:NN}:wake`): re-arms a reader blocked on that bucket. */
  bucketWakeKey(bucket: number): KumoKey<'result'> {
    return [this.prefix, 'result', bucketTag(bucket), 'wake'].join(':') as KumoKey<'result'>;
  }

  /** The bucket (0-63) of a crawl. */
  crawlBucket(crawlId: string): number {
    return crawlBucket(crawlId);
  }

  /** BullMQ's `prefix` option: `<prefix>:bull:{q}`. */
  queuePrefix(): string {
    return `${this.prefix}:${QUEUE_SEGMENT}:{q}`;
  }

  /** The hash tag's content of a key (`b:07`), or null. */
  tagOf(key: string): string | null {
    return tagOf(key);
  }

  /** Splits a key name into prefix, purpose and tag; null when the key is not under this prefix. */
  parseKey(key: string): ParsedKey | null {
    const head = `${this.prefix}:`;
    if (!key.startsWith(head)) return null;
    const afterPrefix = key.slice(head.length);
    const colon = afterPrefix.indexOf(':');
    const purpose = colon === -1 ? afterPrefix : afterPrefix.slice(0, colon);
    const rest = colon === -1 ? '' : afterPrefix.slice(colon + 1);
    const info: PurposeInfo | undefined = isPurpose(purpose) ? PURPOSES[purpose] : undefined;
    return { key, prefix: this.prefix, purpose, info, tag: tagOf(key), rest };
  }

  /** The purpose of a key built by this key space; throws `UnknownPurposeError` for anything else. */
  purposeOf(key: KumoKey): Purpose {
    const parsed = this.parseKey(key);
    if (!parsed || !isPurpose(parsed.purpose)) {
      throw new UnknownPurposeError(`not a kumo key with a registered purpose: ${key.slice(0, 120)}`);
    }
    return parsed.purpose;
  }

  private checkPurpose(purpose: string): void {
    if (!isPurpose(purpose)) {
      throw new UnknownPurposeError(
        `unknown key purpose ${JSON.stringify(purpose)}; registered: ${Object.keys(PURPOSES).join(', ')}`,
      );
    }
  }
}

/**
 * The TTL of a write, required by every write method: milliseconds (a positive integer no larger than the
 * purpose's maximum), or `'default'` for the purpose's default TTL.
 */
export type Ttl = number | 'default';

/** Resolves a TTL for `key` to milliseconds, or throws `TtlError` (before anything is sent). */
export function resolveTtl(keySpace: KeySpace, key: KumoKey, ttl: Ttl | undefined): number {
  const parsed = keySpace.parseKey(key);
  if (!parsed || !isPurpose(parsed.purpose)) {
    throw new TtlError(`cannot write ${String(key).slice(0, 120)}: not a key of a registered purpose`);
  }
  const info = PURPOSES[parsed.purpose];
  if (ttl === 'default') return info.defaultTtlMs;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0) {
    throw new TtlError(`TTL of ${key} must be a positive integer of milliseconds or 'default', got ${String(ttl)}`);
  }
  if (ttl > info.maxTtlMs) {
    throw new TtlError(`TTL of ${key} is ${ttl} ms, above the ${parsed.purpose} maximum of ${info.maxTtlMs} ms`);
  }
  return ttl;
}
