/** What a purpose promises: its key prefix segment, its TTL bounds and why it exists. */
export interface PurposeInfo {
  /** The second segment of every key of this purpose (`<prefix>:<purpose>:…`). */
  readonly prefix: string;
  /** TTL used when a write passes `'default'`. */
  readonly defaultTtlMs: number;
  /** Largest TTL a write may set; above it the write throws `TtlError`. */
  readonly maxTtlMs: number;
  /** One line for the README's key table. */
  readonly description: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The registry of key purposes, declared once. Every kumo key is `<prefix>:<purpose>:…` and every write sets a
 * TTL within the purpose's bounds, so nothing kumo writes can outlive its use.
 */
export const PURPOSES = {
  cache: {
    prefix: 'cache',
    defaultTtlMs: DAY,
    maxTtlMs: 30 * DAY,
    description: 'Re-computable results: robots.txt, analyses by content hash',
  },
  config: {
    prefix: 'config',
    defaultTtlMs: HOUR,
    maxTtlMs: 7 * DAY,
    description: 'Runtime settings published by processes',
  },
  tmp: {
    prefix: 'tmp',
    defaultTtlMs: DAY,
    maxTtlMs: 7 * DAY,
    description: 'Intermediate data of one crawl: seen-sets, page texts waiting for analysis',
  },
  result: {
    prefix: 'result',
    defaultTtlMs: 7 * DAY,
    maxTtlMs: 90 * DAY,
    description: 'What clients read back: crawl records, result streams, reports, idempotency keys',
  },
  lock: {
    prefix: 'lock',
    defaultTtlMs: 30 * SECOND,
    maxTtlMs: HOUR,
    description: 'Short leases and throttles (progress events)',
  },
  ratelimit: {
    prefix: 'ratelimit',
    defaultTtlMs: MINUTE,
    maxTtlMs: DAY,
    description: 'Per-host politeness and per-API-key rate limits',
  },
} as const satisfies Record<string, PurposeInfo>;

/** A key purpose of the registry. */
export type Purpose = keyof typeof PURPOSES;

/** The purposes, in registry order. */
export const PURPOSE_NAMES = Object.keys(PURPOSES) as Purpose[];

/**
 * The segment under which BullMQ keeps its queues (`<prefix>:bull:{q}:…`). Exempt from TTLs: BullMQ's keys are
 * bounded by job retention (`removeOnComplete` / `removeOnFail` with age and count) instead.
 */
export const QUEUE_SEGMENT = 'bull';

/** True when `name` is a registered purpose. */
export function isPurpose(name: string): name is Purpose {
  return Object.hasOwn(PURPOSES, name);
}

/** Renders a duration in the largest whole unit (`30 s`, `24 h`, `7 d`); a single day reads better as `24 h`. */
export function formatDuration(ms: number): string {
  if (ms === DAY) return '24 h';
  const units: [number, string][] = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [SECOND, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/** The README's key table (Markdown): one row per purpose plus BullMQ's queue keys. */
export function renderKeyTable(): string {
  const rows = PURPOSE_NAMES.map((name) => {
    const info: PurposeInfo = PURPOSES[name];
    return `| \`${name}\` | \`<prefix>:${info.prefix}:…\` | ${formatDuration(info.defaultTtlMs)} | ${formatDuration(info.maxTtlMs)} | ${info.description} |`;
  });
  rows.push(
    `| \`${QUEUE_SEGMENT}\` | \`<prefix>:${QUEUE_SEGMENT}:{q}:…\` | — | — | BullMQ queues; no TTL, bounded by job retention (age and count) |`,
  );
  return ['| purpose | prefix | default TTL | max TTL | description |', '|---|---|---|---|---|', ...rows].join('\n');
}
