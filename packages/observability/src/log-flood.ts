import type { LogFn, Logger } from 'pino';

/** pino's numeric level of `warn`: only warnings and errors are limited (info lines are one per job, wanted). */
const WARN = 40;
/** Distinct keys remembered at most; beyond, expired ones are forgotten (a flood has few distinct keys). */
const MAX_KEYS = 1000;

export interface LogFloodLimit {
  /** Length of one interval (ms). 0 turns the limit off. */
  intervalMs: number;
  /** Lines of one key let through per interval before the rest are counted instead. */
  burst: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface KeyWindow {
  endsAt: number;
  lines: number;
  suppressed: number;
}

/** The message and code of a log call: what makes two lines "the same line". */
function keyOf(args: unknown[], level: number): string {
  const [first, second] = args;
  const object = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
  const message = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
  const err = object?.err as { code?: unknown } | undefined;
  const code = object?.code ?? err?.code ?? '';
  return `${level}\u0000${message}\u0000${String(code)}`;
}

/**
 * A pino `logMethod` hook that keeps a flood of the same warning or error (same level, message and code: a Redis
 * that refuses every write makes thousands a second) to `burst` lines per interval and key; the first line of the
 * next interval carries `suppressed`: how many were dropped meanwhile. Info and debug lines pass untouched.
 */
export function logFloodHook(
  limit: LogFloodLimit,
): (this: Logger, args: Parameters<LogFn>, method: LogFn, level: number) => void {
  const now = limit.now ?? Date.now;
  const windows = new Map<string, KeyWindow>();
  return function logMethod(this: Logger, args, method, level) {
    if (level < WARN || limit.intervalMs <= 0) return method.apply(this, args);
    const key = keyOf(args, level);
    const at = now();
    let window = windows.get(key);
    let carried = 0;
    if (!window || at >= window.endsAt) {
      carried = window?.suppressed ?? 0;
      if (!window && windows.size >= MAX_KEYS) {
        for (const [old, entry] of windows) if (at >= entry.endsAt) windows.delete(old);
      }
      window = { endsAt: at + limit.intervalMs, lines: 0, suppressed: 0 };
      windows.set(key, window);
    }
    if (window.lines >= limit.burst) {
      window.suppressed++;
      return;
    }
    window.lines++;
    if (carried === 0) return method.apply(this, args);
    const [first, ...rest] = args as unknown[];
    const withCount =
      first instanceof Error
        ? [{ err: first, suppressed: carried }, ...rest]
        : typeof first === 'object' && first !== null
          ? [{ ...(first as object), suppressed: carried }, ...rest]
          : [{ suppressed: carried }, first, ...rest];
    return method.apply(this, withCount as Parameters<LogFn>);
  };
}
