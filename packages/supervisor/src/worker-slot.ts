import cluster from 'node:cluster';

/**
 * The supervisor↔worker protocol: the primary forks each worker with its slot number (0…processes-1) in this
 * environment variable, so a worker knows which of the N it is (for logs, metrics labels, sharding).
 */
export const WORKER_SLOT_ENV = 'KUMO_WORKER_SLOT';

/** True in the process that should supervise (a cluster primary), false in a forked worker. */
export function isSupervisorPrimary(): boolean {
  return cluster.isPrimary;
}

/** This worker's slot, or undefined when the process was not started by the supervisor. */
export function workerSlot(): number | undefined {
  // eslint-disable-next-line no-restricted-properties -- the slot is the one value the supervisor hands its workers (see WORKER_SLOT_ENV); it is not configuration
  const raw = process.env[WORKER_SLOT_ENV];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}
