import type { Schedule } from '@kumo/contract';

/** When a schedule runs, as the page shows it: the API's own string, and words for an interval. */
export type Cadence = { kind: 'cron'; pattern: string } | { kind: 'every'; duration: string; words: string };

const UNITS = [
  ['year', 'Y'],
  ['month', 'M'],
  ['week', 'W'],
  ['day', 'D'],
] as const;
const TIME_UNITS = [
  ['hour', 'H'],
  ['minute', 'M'],
  ['second', 'S'],
] as const;
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in words (`PT1H30M` → `1 hour 30 minutes`), for reading only: what the API accepts is the
 * API's to say (luxon parses it there). Anything this does not recognise is shown as sent.
 */
export function durationInWords(duration: string): string {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return duration;
  const amounts = match.slice(1);
  const units = [...UNITS, ...TIME_UNITS];
  const parts = units.flatMap(([unit], index) => {
    const amount = amounts[index];
    if (amount === undefined) return [];
    const value = Number(amount.replace(',', '.'));
    return [`${amount.replace(',', '.')} ${unit}${value === 1 ? '' : 's'}`];
  });
  return parts.length > 0 ? parts.join(' ') : duration;
}

/** The schedule's cron pattern or interval (the API sends exactly one). */
export function cadenceOf(schedule: Pick<Schedule, 'cron' | 'every'>): Cadence {
  if (schedule.every !== undefined) {
    return { kind: 'every', duration: schedule.every, words: durationInWords(schedule.every) };
  }
  return { kind: 'cron', pattern: schedule.cron ?? '' };
}
