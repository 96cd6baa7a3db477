import type { Logger } from 'pino';
import type { AppMetrics } from './metrics.js';

/** Ids that tie a stage to its job in the logs. */
export interface StageContext {
  crawlId?: string;
  jobId?: string;
  url?: string;
  [field: string]: unknown;
}

/**
 * Times the named stages of one job (fetch, parse, tokenize, aggregate …): each stage is observed in the
 * `kumo_stage_duration_seconds` histogram at once, and `finish()` writes one log line with every stage's
 * milliseconds and the job's ids.
 */
export class JobTimer {
  readonly #metrics: AppMetrics;
  readonly #logger: Logger;
  readonly #context: StageContext;
  readonly #stages: Record<string, number> = {};
  readonly #started = performance.now();

  constructor(metrics: AppMetrics, logger: Logger, context: StageContext) {
    this.#metrics = metrics;
    this.#logger = logger;
    this.#context = context;
  }

  /** Runs `fn` as stage `stage`, recording its duration whether it resolves or throws. */
  async stage<T>(stage: string, fn: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await fn();
    } catch (error) {
      outcome = 'error';
      throw error;
    } finally {
      this.record(stage, performance.now() - started, outcome);
    }
  }

  /** Records a duration measured elsewhere (e.g. by the crawler's own timings). */
  record(stage: string, ms: number, outcome = 'ok'): void {
    this.#stages[stage] = Math.round(((this.#stages[stage] ?? 0) + ms) * 100) / 100;
    this.#metrics.stageDuration.observe({ stage, outcome }, ms / 1000);
  }

  /** The stage durations so far, in milliseconds. */
  get stages(): Readonly<Record<string, number>> {
    return this.#stages;
  }

  /** Logs the job's stage durations once, with its ids. */
  finish(outcome: string, fields: Record<string, unknown> = {}): void {
    const totalMs = Math.round((performance.now() - this.#started) * 100) / 100;
    this.#logger.info({ ...this.#context, ...fields, outcome, totalMs, stages: this.#stages }, 'job finished');
  }
}

/** Creates JobTimers bound to one app's metrics and logger. */
export class StageTimer {
  readonly #metrics: AppMetrics;
  readonly #logger: Logger;

  constructor(metrics: AppMetrics, logger: Logger) {
    this.#metrics = metrics;
    this.#logger = logger;
  }

  job(context: StageContext): JobTimer {
    return new JobTimer(this.#metrics, this.#logger, context);
  }

  /** Times one stage outside any job. */
  async time<T>(stage: string, context: StageContext, fn: () => Promise<T> | T): Promise<T> {
    const timer = this.job(context);
    return timer.stage(stage, fn);
  }
}
