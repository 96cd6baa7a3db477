import { CreationOverloadedError } from './errors.js';

/** The queue counts admission control reads (`KumoQueues` of `@kumo/queues` has them). */
export interface AdmissionCounts {
  /** Crawls in flight. */
  runningCrawls(): Promise<number>;
  /** Crawl jobs waiting to run. */
  backlog(): Promise<number>;
}

export interface AdmissionOptions {
  queues: AdmissionCounts;
  /** Crawls in flight at which new ones get 429 (`API_MAX_RUNNING_CRAWLS`). */
  maxRunning: number;
  /** Crawl jobs waiting at which new crawls get 429 (`API_MAX_QUEUE_BACKLOG`). */
  maxBacklog: number;
  /** How long one reading of the queues serves. Default 250 ms. */
  maxAgeMs?: number;
  /** The clock, for tests. Default `performance.now`. */
  now?: () => number;
}

interface Snapshot {
  running: number;
  backlog: number;
  at: number;
}

/**
 * Admission control of crawl creation (`POST /v1/crawls`, schedule runs): refused (429 in the API) when too many crawls are in flight or too many crawl jobs wait.
 * The queue counts (two MULTIs of job-count commands) are read at most every `maxAgeMs` per process and shared by
 * the requests in between; each crawl this process admits is added to the reading at once, so a burst from one
 * process cannot pass the limit on a stale reading. It is a soft limit: submissions on other API processes within
 * one `maxAgeMs` may pass it together.
 */
export class AdmissionControl {
  readonly #options: Required<AdmissionOptions>;
  #snapshot: Snapshot | undefined;
  #reading: Promise<Snapshot> | undefined;

  constructor(options: AdmissionOptions) {
    this.#options = { maxAgeMs: 250, now: () => performance.now(), ...options };
  }

  /** Throws `CreationOverloadedError` when the crawl must wait; otherwise counts it (with its seed jobs) as admitted. */
  async admit(seeds: number): Promise<void> {
    const snapshot = await this.#current();
    const { maxRunning, maxBacklog } = this.#options;
    if (snapshot.running >= maxRunning) {
      throw new CreationOverloadedError(
        `Too many crawls in flight (${snapshot.running}, limit ${maxRunning}); retry later.`,
        30,
      );
    }
    if (snapshot.backlog >= maxBacklog) {
      throw new CreationOverloadedError(
        `Too many crawl jobs waiting (${snapshot.backlog}, limit ${maxBacklog}); retry later.`,
        10,
      );
    }
    snapshot.running += 1;
    snapshot.backlog += seeds;
  }

  async #current(): Promise<Snapshot> {
    const { now, maxAgeMs, queues } = this.#options;
    if (this.#snapshot && now() - this.#snapshot.at < maxAgeMs) return this.#snapshot;
    this.#reading ??= Promise.all([queues.runningCrawls(), queues.backlog()])
      .then(([running, backlog]) => {
        this.#snapshot = { running, backlog, at: now() };
        return this.#snapshot;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }
}
