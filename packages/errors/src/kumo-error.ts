/**
 * What a job processor does with an error (Crawlee's NonRetryable/Critical/Retry split):
 * - `permanent`: the input is bad (a 404, a page too large); record it, never retry.
 * - `transient`: may succeed later (a timeout, a dropped connection, a 503); retry with backoff.
 * - `critical`: the process cannot work (Redis gone, config invalid); stop and let the supervisor act.
 */
export type ErrorKind = 'permanent' | 'transient' | 'critical';

export interface KumoErrorOptions {
  cause?: unknown;
  kind?: ErrorKind;
}

/**
 * Base class of every kumo error. Callers branch on `code` (`KUMO_<AREA>_<WHAT>`), never on the message.
 * Codes are stable and never reused; every one is listed in docs/errors.md.
 */
export class KumoError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(code: string, message: string, options: KumoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = options.kind ?? 'permanent';
  }
}

/** True for any error carrying a kumo code (also across package copies, where instanceof would fail). */
export function isKumoError(error: unknown): error is KumoError {
  return (
    error instanceof KumoError ||
    (error instanceof Error &&
      typeof (error as { code?: unknown }).code === 'string' &&
      (error as KumoError).code.startsWith('KUMO_'))
  );
}
