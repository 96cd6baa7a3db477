/**
 * The little of a logger the supervisor needs (pino's Logger fits): apps pass `createLogger(…)` from
 * @kumo/observability, tests pass anything that writes lines. `flush` is called before the process exits.
 */
export interface SupervisorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  flush?(callback?: (error?: Error) => void): void;
}

/** Waits for the logger to write what it buffered (pino with an async destination), at most `capMs`. */
export function flushLogger(logger: SupervisorLogger, capMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    if (!logger.flush) return resolve();
    const timer = setTimeout(resolve, capMs);
    timer.unref();
    try {
      logger.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
