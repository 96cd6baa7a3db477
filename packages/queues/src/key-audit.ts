import { Queue } from 'bullmq';
import {
  formatKeyspaceTable,
  KeySpace,
  padColumns,
  scanKeyspace,
  type AuditOptions,
  type KeyspaceScan,
  type RedisClient,
  type SizeAudit,
} from '@kumo/keyspace';
import { COUNTED_STATES, type CountedState } from './queues.js';

/** The jobs of one queue found under the prefix, per state. */
export interface QueueAudit {
  queue: string;
  jobs: Record<CountedState, number>;
}

/** JSON-serialisable result of `auditKeyspace` (`kumo keys audit --json`): the key scan plus each queue's jobs. */
export interface KeyspaceAudit extends Omit<KeyspaceScan, 'queues'> {
  /** BullMQ's keys: exempt from TTLs, bounded by retention; every queue found under the prefix. */
  queues: SizeAudit & { queues: QueueAudit[] };
}

/**
 * Audits every key under the prefix (`scanKeyspace`: per purpose the count, the bytes and the keys without TTL; keys
 * of unknown purposes), then counts the jobs per state of every BullMQ queue whose keys the scan met, through
 * BullMQ's own `getJobCounts` (read-only: the queue handles never write their meta key).
 */
export async function auditKeyspace(client: RedisClient, options: AuditOptions = {}): Promise<KeyspaceAudit> {
  const queuePrefix = new KeySpace({ prefix: options.prefix ?? 'kumo' }).queuePrefix();
  const head = `${queuePrefix}:`;
  const names = new Set<string>();
  const scan = await scanKeyspace(client, {
    ...options,
    // BullMQ names every key of a queue `<prefix>:<queue>:…`.
    onQueueKey: (key) => {
      if (key.startsWith(head)) names.add(key.slice(head.length).split(':')[0]!);
    },
  });
  const queues: QueueAudit[] = [];
  for (const name of [...names].sort()) {
    const queue = new Queue(name, { connection: client, prefix: queuePrefix, skipMetasUpdate: true });
    try {
      const counts = await queue.getJobCounts(...COUNTED_STATES);
      const jobs = Object.fromEntries(COUNTED_STATES.map((state) => [state, counts[state] ?? 0]));
      queues.push({ queue: name, jobs: jobs as Record<CountedState, number> });
    } finally {
      await queue.close();
    }
  }
  return { ...scan, queues: { ...scan.queues, queues } };
}

/** The audit as plain-text tables for a terminal: the key scan's, then the jobs per queue and state. */
export function formatAuditTable(report: KeyspaceAudit): string {
  const text = formatKeyspaceTable(report);
  if (report.queues.queues.length === 0) return text;
  const rows = [['queue', ...COUNTED_STATES]];
  for (const queue of report.queues.queues)
    rows.push([queue.queue, ...COUNTED_STATES.map((s) => String(queue.jobs[s]))]);
  return `${text}\n\n${padColumns(rows)}`;
}
