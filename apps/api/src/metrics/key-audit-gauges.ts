import type { RedisClient } from '@kumo/keyspace';
import { auditKeyspace, type KeyspaceAudit } from '@kumo/queues';
import { Gauge, type Registry } from '@kumo/observability';

export interface KeyAuditGaugesOptions {
  client: RedisClient;
  /** `KUMO_PREFIX`. */
  prefix: string;
  /** Least time between two audits. Default 30 000 ms. */
  minIntervalMs?: number;
  /** Told when an audit fails (the gauges keep their last values). */
  onError?: (error: unknown) => void;
  /** The audit, for tests. Default `auditKeyspace`. */
  audit?: typeof auditKeyspace;
}

/**
 * `kumo_keys{purpose}`, `kumo_key_bytes{purpose}` and `kumo_keys_without_ttl{purpose}` from the key audit. A scrape
 * never waits for the audit (a SCAN of the whole key space): it reads the last result and, when that is older than
 * `minIntervalMs`, starts a new audit in the background. So the audit runs at most every 30 s, and only while
 * someone scrapes.
 */
export class KeyAuditGauges {
  readonly #options: KeyAuditGaugesOptions;
  readonly #minIntervalMs: number;
  #lastStart = 0;
  #running: Promise<void> | null = null;
  #last: KeyspaceAudit | null = null;

  constructor(registry: Registry, options: KeyAuditGaugesOptions) {
    this.#options = options;
    this.#minIntervalMs = options.minIntervalMs ?? 30_000;
    const refresh = () => this.refresh();
    const last = () => this.#last;
    const gauge = (name: string, help: string, pick: (audit: KeyspaceAudit) => Record<string, number>) =>
      new Gauge({
        name,
        help,
        labelNames: ['purpose'] as const,
        registers: [registry],
        aggregator: 'max',
        collect() {
          void refresh();
          const audit = last();
          if (!audit) return;
          for (const [purpose, value] of Object.entries(pick(audit))) this.set({ purpose }, value);
        },
      });
    gauge('kumo_keys', 'Keys per purpose (from the key audit, at most 30 s old)', (audit) => ({
      ...Object.fromEntries(audit.purposes.map((p) => [p.purpose, p.keys])),
      bull: audit.queues.keys,
      unknown: audit.unknown.count,
    }));
    gauge('kumo_key_bytes', 'Bytes per purpose (MEMORY USAGE, sampled above 1000 keys)', (audit) => ({
      ...Object.fromEntries(audit.purposes.map((p) => [p.purpose, p.totalBytes])),
      bull: audit.queues.totalBytes,
    }));
    gauge('kumo_keys_without_ttl', 'Keys without TTL per purpose (should be 0)', (audit) =>
      Object.fromEntries(audit.purposes.map((p) => [p.purpose, p.withoutTtl.count])),
    );
  }

  /** The last audit, or null before the first one finished. */
  get last(): KeyspaceAudit | null {
    return this.#last;
  }

  /** Starts an audit in the background unless one ran within `minIntervalMs` or is running; returns it. */
  refresh(): Promise<void> {
    if (this.#running) return this.#running;
    if (this.#lastStart !== 0 && Date.now() - this.#lastStart < this.#minIntervalMs) return Promise.resolve();
    this.#lastStart = Date.now();
    const audit = this.#options.audit ?? auditKeyspace;
    this.#running = audit(this.#options.client, { prefix: this.#options.prefix })
      .then((result) => {
        this.#last = result;
      })
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  /** Waits for an audit in progress (shutdown). */
  async close(): Promise<void> {
    await this.#running;
  }
}
