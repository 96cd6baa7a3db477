import type { Redis } from 'ioredis';
import { KeySpace } from './key-space.js';
import { isPurpose, PURPOSE_NAMES, QUEUE_SEGMENT } from './purposes.js';
import { masterNodes, type RedisClient } from './redis-client.js';

export interface AuditOptions {
  /** The key prefix to audit (`KUMO_PREFIX`). Default `kumo`. */
  prefix?: string;
  /** Above this many keys in a group, MEMORY USAGE runs on a random sample of this size and is extrapolated. Default 1000. */
  sampleAbove?: number;
  /** SCAN COUNT hint. Default 1000. */
  scanCount?: number;
  /** Told every key under the queue segment (`<prefix>:bull:…`): the queue package reads its queues from them. */
  onQueueKey?: (key: string) => void;
}

/** Names listed per finding (the count is always complete). */
const LISTED = 20;

/** Sizes of a group of keys. */
export interface SizeAudit {
  keys: number;
  /** Total bytes (MEMORY USAGE); extrapolated from a sample when `sampled`. */
  totalBytes: number;
  /** The largest key measured (among the sample when `sampled`). */
  largest: { key: string; bytes: number } | null;
  sampled: boolean;
}

export interface PurposeAudit extends SizeAudit {
  purpose: string;
  /** Keys with no TTL: up to 20 names and the full count. */
  withoutTtl: { count: number; keys: string[] };
}

/** JSON-serialisable result of `scanKeyspace`; `@kumo/queues`' `auditKeyspace` adds the jobs of each queue. */
export interface KeyspaceScan {
  prefix: string;
  /** Master nodes scanned. */
  nodes: number;
  totalKeys: number;
  /** One entry per registered purpose (also when empty), in registry order. */
  purposes: PurposeAudit[];
  /** Keys under the prefix whose purpose is not registered: up to 20 names and the full count. */
  unknown: { count: number; keys: string[] };
  /** The queue segment's keys (`<prefix>:bull:…`, BullMQ's): exempt from TTLs, bounded by retention. */
  queues: SizeAudit;
}

interface Group {
  keys: number;
  sample: { node: Redis; key: string }[];
  withoutTtl: string[];
  withoutTtlCount: number;
}

function newGroup(): Group {
  return { keys: 0, sample: [], withoutTtl: [], withoutTtlCount: 0 };
}

/** Reservoir sampling (algorithm R): every key has the same chance to be measured. */
function offer(group: Group, node: Redis, key: string, size: number): void {
  group.keys++;
  if (group.sample.length < size) group.sample.push({ node, key });
  else {
    const slot = Math.floor(Math.random() * group.keys);
    if (slot < size) group.sample[slot] = { node, key };
  }
}

async function measure(group: Group): Promise<SizeAudit> {
  let total = 0;
  let largest: SizeAudit['largest'] = null;
  for (const { node, key } of group.sample) {
    const bytes = Number((await node.call('MEMORY', 'USAGE', key)) ?? 0);
    total += bytes;
    if (!largest || bytes > largest.bytes) largest = { key, bytes };
  }
  const sampled = group.sample.length < group.keys;
  const totalBytes = sampled ? Math.round((total / group.sample.length) * group.keys) : total;
  return { keys: group.keys, totalBytes, largest, sampled };
}

/**
 * Scans every key under the prefix with SCAN (never KEYS; every master of a cluster): per purpose the count, the
 * bytes and the keys without TTL; keys of unknown purposes; the count and bytes of the queue segment's keys, each
 * of which `onQueueKey` is told (the queue package knows what they mean).
 */
export async function scanKeyspace(client: RedisClient, options: AuditOptions = {}): Promise<KeyspaceScan> {
  const keySpace = new KeySpace({ prefix: options.prefix ?? 'kumo' });
  const sampleSize = options.sampleAbove ?? 1000;
  const groups = new Map<string, Group>(PURPOSE_NAMES.map((name) => [name, newGroup()]));
  const bull = newGroup();
  const unknown = newGroup();
  const nodes = masterNodes(client);

  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${keySpace.prefix}:*`, 'COUNT', options.scanCount ?? 1000);
      cursor = next;
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.pttl(key);
      const ttls = keys.length === 0 ? [] : ((await pipeline.exec()) ?? []);
      keys.forEach((key, index) => {
        const parsed = keySpace.parseKey(key);
        if (!parsed) return;
        if (parsed.purpose === QUEUE_SEGMENT) {
          offer(bull, node, key, sampleSize);
          options.onQueueKey?.(key);
          return;
        }
        const group = isPurpose(parsed.purpose) ? groups.get(parsed.purpose)! : unknown;
        offer(group, node, key, sampleSize);
        // -1: the key exists without TTL (-2: it vanished since SCAN saw it).
        if (Number(ttls[index]?.[1]) === -1) {
          group.withoutTtlCount++;
          if (group.withoutTtl.length < LISTED) group.withoutTtl.push(key);
        }
      });
    } while (cursor !== '0');
  }

  const purposes: PurposeAudit[] = [];
  for (const [purpose, group] of groups) {
    purposes.push({
      purpose,
      ...(await measure(group)),
      withoutTtl: { count: group.withoutTtlCount, keys: group.withoutTtl },
    });
  }
  const unknownKeys = unknown.sample.map(({ key }) => key).slice(0, LISTED);
  return {
    prefix: keySpace.prefix,
    nodes: nodes.length,
    totalKeys: purposes.reduce((sum, p) => sum + p.keys, 0) + bull.keys + unknown.keys,
    purposes,
    unknown: { count: unknown.keys, keys: unknownKeys },
    queues: await measure(bull),
  };
}

/** Non-zero when a kumo key lacks a TTL or has an unknown purpose (for `kumo keys audit` in CI). */
export function auditExitCode(report: KeyspaceScan): number {
  const missingTtl = report.purposes.some((purpose) => purpose.withoutTtl.count > 0);
  return missingTtl || report.unknown.count > 0 ? 1 : 0;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Rows of equal-width columns, two spaces apart (the audit's tables). */
export function padColumns(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The scan as plain-text tables for a terminal (the queue package appends its queues). */
export function formatKeyspaceTable(report: KeyspaceScan): string {
  const size = (group: SizeAudit) => `${formatBytes(group.totalBytes)}${group.sampled ? ' (sampled)' : ''}`;
  const rows = [['purpose', 'keys', 'bytes', 'largest', 'without TTL']];
  for (const purpose of report.purposes) {
    const largest = purpose.largest ? `${purpose.largest.key} (${formatBytes(purpose.largest.bytes)})` : '—';
    rows.push([purpose.purpose, String(purpose.keys), size(purpose), largest, String(purpose.withoutTtl.count)]);
  }
  rows.push([QUEUE_SEGMENT, String(report.queues.keys), size(report.queues), '—', 'exempt (retention)']);
  const lines = [`Keys under ${report.prefix}: (${report.totalKeys} keys, ${report.nodes} node(s))`, padColumns(rows)];
  for (const purpose of report.purposes) {
    if (purpose.withoutTtl.count === 0) continue;
    lines.push('', `${purpose.purpose}: ${purpose.withoutTtl.count} key(s) without TTL:`);
    lines.push(...purpose.withoutTtl.keys.map((key) => `  ${key}`));
  }
  if (report.unknown.count > 0) {
    lines.push(
      '',
      `${report.unknown.count} key(s) with an unknown purpose:`,
      ...report.unknown.keys.map((key) => `  ${key}`),
    );
  }
  return lines.join('\n');
}
