import { CronExpressionParser } from 'cron-parser';
import { Duration, IANAZone } from 'luxon';
import type { FieldError } from '@kumo/crawl-creation';

/** When a schedule runs, checked: what BullMQ's job scheduler takes, and the longest gap between two runs. */
export interface ScheduleSpec {
  cron?: string;
  every?: string;
  /** IANA time zone (the cron pattern is read in it); `UTC` when none was given. */
  timezone: string;
  /** The job scheduler's repeat options: a cron `pattern` in `tz`, or `every` ms. */
  repeat: { pattern: string; tz: string } | { every: number };
  /** The longest gap between two runs seen over the next runs (cron) or the interval (`every`), in ms. */
  intervalMs: number;
}

/** The longest `every` accepted: a schedule still runs at least once a year. */
export const MAX_EVERY_MS = 366 * 86_400_000;
/** Runs of a cron pattern sampled for its longest gap (a TTL must outlast it). */
const CRON_SAMPLES = 12;

/** The 5-field cron pattern's longest gap over its next runs, or the reason it is refused. */
function cronInterval(cron: string, tz: string): number | string {
  if (cron.trim().split(/\s+/).length !== 5) return 'must be a 5-field cron pattern (minute hour day month weekday)';
  try {
    // The parser BullMQ's job schedulers use (its defaultRepeatStrategy), so a pattern accepted here runs there.
    const runs = CronExpressionParser.parse(cron, { tz, currentDate: new Date() });
    let previous = runs.next().getTime();
    let longest = 0;
    for (let i = 0; i < CRON_SAMPLES; i++) {
      const next = runs.next().getTime();
      longest = Math.max(longest, next - previous);
      previous = next;
    }
    return longest;
  } catch (error) {
    return `is not a valid cron pattern: ${(error as Error).message}`;
  }
}

/**
 * Checks `cron` / `every` / `timezone` of a schedule request: exactly one of `cron` (5 fields, parsed by cron-parser
 * as BullMQ does) and `every` (an ISO 8601 duration, parsed by luxon, of at least `minIntervalMs`), and an IANA
 * time zone. Returns the spec, or the field errors.
 */
export function parseScheduleSpec(
  input: { cron?: string | undefined; every?: string | undefined; timezone?: string | undefined },
  minIntervalMs: number,
): ScheduleSpec | FieldError[] {
  const errors: FieldError[] = [];
  const timezone = input.timezone ?? 'UTC';
  if (!IANAZone.isValidZone(timezone)) {
    errors.push({ path: 'timezone', message: `must be an IANA time zone (e.g. Asia/Tokyo), got ${timezone}` });
  }
  if ((input.cron === undefined) === (input.every === undefined)) {
    const message = 'exactly one of cron and every is required';
    errors.push({ path: input.cron === undefined ? 'cron' : 'every', message });
    return errors;
  }
  if (input.cron !== undefined) {
    const interval = errors.length === 0 ? cronInterval(input.cron, timezone) : 0;
    if (typeof interval === 'string') errors.push({ path: 'cron', message: interval });
    if (errors.length > 0) return errors;
    return {
      cron: input.cron,
      timezone,
      repeat: { pattern: input.cron, tz: timezone },
      intervalMs: interval as number,
    };
  }
  const every = input.every!;
  const duration = Duration.fromISO(every);
  const ms = duration.isValid ? duration.as('milliseconds') : Number.NaN;
  const minimum = Duration.fromMillis(minIntervalMs).rescale().toISO();
  if (!duration.isValid) {
    errors.push({ path: 'every', message: `must be an ISO 8601 duration such as PT30M or P1D, got ${every}` });
  } else if (!(ms >= minIntervalMs)) {
    errors.push({ path: 'every', message: `must be at least ${minimum}` });
  } else if (ms > MAX_EVERY_MS) {
    errors.push({ path: 'every', message: 'must be at most P366D' });
  }
  if (errors.length > 0) return errors;
  return { every, timezone, repeat: { every: Math.round(ms) }, intervalMs: Math.round(ms) };
}
